using PerfKit.Kernel.Interop;

namespace PerfKit.Kernel;

/// <summary>
/// Pins the calling OS thread to one CPU with <c>sched_setaffinity</c>, as the kernel's selftests do, so that
/// bpf(2) calls and test runs from it use that CPU's per-CPU state. Returns a scope that restores the previous mask.
/// </summary>
public static unsafe class CpuAffinity
{
    // cpu_set_t sized for the kernel's largest NR_CPUS on x86-64 (8192 bits): never too short for the mask.
    private const int MaskBytes = 1024;

    /// <summary>The CPU the calling thread runs on now (<c>sched_getcpu</c>).</summary>
    public static int CurrentCpu => LibC.SchedGetCpu();

    /// <summary>Pins the calling thread to <paramref name="cpu"/> until the scope is disposed (on the same thread). The thread is on that CPU when this returns.</summary>
    /// <exception cref="BpfException">The kernel refused (an offline CPU: EINVAL).</exception>
    public static AffinityScope Pin(int cpu)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(cpu);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(cpu, MaskBytes * 8);
        byte[] previous = new byte[MaskBytes];
        fixed (byte* mask = previous)
        {
            if (LibC.SchedGetAffinity(0, MaskBytes, mask) < 0)
            {
                throw new BpfException("sched_getaffinity", LibC.LastErrno);
            }
        }

        Set(cpu);
        return new AffinityScope(previous, Environment.CurrentManagedThreadId);
    }

    /// <summary>Pins the calling thread to <paramref name="cpu"/> with no scope (a dedicated thread that stays on one CPU).</summary>
    /// <exception cref="BpfException">The kernel refused.</exception>
    public static void Set(int cpu)
    {
        Span<byte> mask = stackalloc byte[MaskBytes];
        mask.Clear();
        mask[cpu / 8] = (byte)(1 << (cpu % 8));
        Apply(mask, $"sched_setaffinity (CPU {cpu})");
    }

    internal static void Apply(ReadOnlySpan<byte> mask, string operation)
    {
        fixed (byte* bits = mask)
        {
            // pid 0 is the calling thread; when its CPU is not in the mask, the call returns after moving it.
            if (LibC.SchedSetAffinity(0, (nuint)mask.Length, bits) < 0)
            {
                throw new BpfException(operation, LibC.LastErrno);
            }
        }
    }
}

/// <summary>A CPU pin taken with <see cref="CpuAffinity.Pin"/>; disposing it restores the thread's previous affinity mask.</summary>
public readonly struct AffinityScope : IDisposable
{
    private readonly byte[]? _previous;
    private readonly int _threadId;

    internal AffinityScope(byte[] previous, int threadId)
    {
        _previous = previous;
        _threadId = threadId;
    }

    /// <summary>Restores the previous affinity mask.</summary>
    /// <exception cref="InvalidOperationException">Disposed on another thread than the one pinned.</exception>
    public void Dispose()
    {
        if (_previous is null)
        {
            return;
        }

        if (_threadId != Environment.CurrentManagedThreadId)
        {
            throw new InvalidOperationException("An AffinityScope must be disposed on the thread it pinned.");
        }

        CpuAffinity.Apply(_previous, "sched_setaffinity (restore)");
    }
}
