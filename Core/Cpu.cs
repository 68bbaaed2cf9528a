using System.Runtime.CompilerServices;

namespace PerfKit;

/// <summary>
/// The identity of the CPU the calling thread runs on, with the ability to pin a thread to a chosen CPU index
/// so that per-CPU algorithms become deterministic in tests and simulations.
/// </summary>
/// <remarks>
/// Components that keep per-CPU state take a count of possible CPUs and index their state with
/// <see cref="IndexFor"/> (<c>Current % possibleCpus</c>). Threads migrate between CPUs and can be preempted at
/// any point, so per-CPU state still needs a lock or an atomic claim, exactly as in the kernel's local lists.
/// </remarks>
public static class Cpu
{
    /// <summary>The largest number of CPUs a component may be configured for (the kernel's NR_CPUS ceiling on x86-64).</summary>
    public const int MaxCpus = 8192;

    // Pinned CPU index + 1; 0 when the thread is not pinned. Thread-static, so no synchronisation is needed.
    [ThreadStatic]
    private static int t_pinnedPlusOne;

    [ThreadStatic]
    private static int t_pinDepth;

    // The processor number last read for this thread, and how many more calls may return it. Thread-static.
    [ThreadStatic]
    private static int t_processor;

    [ThreadStatic]
    private static int t_processorCallsLeft;

    /// <summary>Calls that reuse a processor number before it is read again.</summary>
    /// <remarks>
    /// Thread.GetCurrentProcessorId re-reads sched_getcpu through its own cache often enough to cost more than the
    /// per-CPU work it selects; reusing the number for 32 calls makes <see cref="Current"/> a thread-static read and
    /// a decrement (CookieCostBenchmarks measures both). A thread that migrates keeps its
    /// old number for at most 31 calls, which per-CPU state tolerates anyway (a thread can be preempted and moved
    /// right after any read of it).
    /// </remarks>
    public const int ProcessorReuse = 32;

    /// <summary>
    /// The current CPU index: the pinned index while a <see cref="Pin"/> scope is active on this thread,
    /// otherwise the processor number (<see cref="Thread.GetCurrentProcessorId"/>, re-read every
    /// <see cref="ProcessorReuse"/> calls).
    /// </summary>
    public static int Current
    {
        get
        {
            int pinned = t_pinnedPlusOne;
            if (pinned != 0)
            {
                return pinned - 1;
            }

            int left = t_processorCallsLeft - 1;
            if (left >= 0)
            {
                t_processorCallsLeft = left;
                return t_processor;
            }

            return ReadProcessor();
        }
    }

    /// <summary>The CPU index the calling thread is pinned to, or <see langword="null"/> if it is not pinned.</summary>
    public static int? PinnedCpu => t_pinnedPlusOne != 0 ? t_pinnedPlusOne - 1 : null;

    /// <summary>The slot a component with <paramref name="possibleCpus"/> CPUs uses now: <c>Current % possibleCpus</c>.</summary>
    /// <param name="possibleCpus">The component's CPU count, at least 1.</param>
    public static int IndexFor(int possibleCpus)
    {
        uint cpu = (uint)Current;
        // The division is skipped in the common case where the processor number is already in range.
        return cpu < (uint)possibleCpus ? (int)cpu : (int)(cpu % (uint)possibleCpus);
    }

    /// <summary>
    /// Pins the calling thread to CPU index <paramref name="cpu"/> until the returned scope is disposed. While
    /// pinned, <see cref="Current"/> returns <paramref name="cpu"/> on this thread, whatever processor it runs on.
    /// </summary>
    /// <param name="cpu">The CPU index, from 0 to <see cref="MaxCpus"/> − 1.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="cpu"/> is negative or not below <see cref="MaxCpus"/>.</exception>
    public static CpuPin Pin(int cpu)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(cpu);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(cpu, MaxCpus);
        int previous = t_pinnedPlusOne;
        t_pinnedPlusOne = cpu + 1;
        return new CpuPin(cpu, ++t_pinDepth, previous);
    }

    /// <summary>Validates a component's possible-CPU count.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The count is not between 1 and <see cref="MaxCpus"/>.</exception>
    public static void ValidatePossibleCpus(int possibleCpus, string paramName)
    {
        if (possibleCpus < 1 || possibleCpus > MaxCpus)
        {
            throw new ArgumentOutOfRangeException(paramName, possibleCpus,
                $"The number of possible CPUs must be between 1 and {MaxCpus}.");
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int ReadProcessor()
    {
        int processor = Thread.GetCurrentProcessorId() & int.MaxValue;
        t_processor = processor;
        t_processorCallsLeft = ProcessorReuse - 1;
        return processor;
    }

    internal static void Unpin(int depth, int previousPinnedPlusOne)
    {
        if (depth != t_pinDepth)
        {
            throw new InvalidOperationException(depth > t_pinDepth
                ? "This CpuPin was already disposed."
                : "CpuPin scopes must be disposed innermost first: a pin taken after this one is still in force.");
        }

        t_pinDepth = depth - 1;
        t_pinnedPlusOne = previousPinnedPlusOne;
    }
}
