namespace PerfKit.Cookies;

/// <summary>
/// The kernel's per-CPU batched cookie generator (include/linux/cookie.h, "bpf, net: Rework cookie generator
/// as per-cpu one"): each CPU reserves blocks of 4096 values from a shared forward counter and hands them out
/// locally; a caller that finds its CPU's generation already in progress takes a value from a reverse counter
/// that counts down from the top of the space.
/// </summary>
/// <remarks>
/// <para>The CPU is <see cref="Cpu.IndexFor"/>(<c>possibleCpus</c>), so <see cref="Cpu.Pin"/> makes it deterministic.</para>
/// <para>
/// In the kernel, preemption is disabled around a generation, so only an interrupt on the same CPU can nest and
/// a plain per-CPU increment of the nesting counter suffices. Managed threads are preempted and migrate freely,
/// so two threads can map to one CPU slot at once; the nesting counter is therefore claimed with one
/// compare-exchange, and a thread that loses the claim is treated exactly like the kernel's nested caller. That
/// claim is a locked instruction per cookie, which is why <see cref="PerThreadCookieGenerator"/> exists.
/// </para>
/// <para>Cookies are unique and never 0 but not monotonic: blocks of different CPUs interleave, and a CPU can
/// strand up to 4095 unused values.</para>
/// </remarks>
public sealed class PerCpuCookieGenerator : ICookieGenerator
{
    private readonly PerCpu<CpuState> _cpus;
    private readonly CookieSpace _space;

    /// <summary>Creates the generator.</summary>
    /// <param name="possibleCpus">Number of per-CPU slots, from 1 to <see cref="Cpu.MaxCpus"/>.</param>
    /// <param name="firstCookie">Lowest value of the first forward block, at least 1 (the kernel's is 1).</param>
    /// <param name="reverseStart">First value of the reverse counter and the top of the space; above <paramref name="firstCookie"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside the range stated for it.</exception>
    public PerCpuCookieGenerator(int possibleCpus, ulong firstCookie = 1, ulong reverseStart = ulong.MaxValue)
    {
        _cpus = new PerCpu<CpuState>(possibleCpus);
        _space = new CookieSpace(firstCookie, reverseStart);
        Diagnostics.PerfKitCounters.Register(this, _space.CounterCell);
    }

    /// <summary>Values per block reserved from the shared forward counter (the kernel's COOKIE_LOCAL_BATCH).</summary>
    public static int BlockSize => CookieSpace.BlockSize;

    /// <summary>The number of per-CPU slots.</summary>
    public int PossibleCpus => _cpus.Count;

    /// <summary>Blocks reserved from the forward counter so far.</summary>
    public long BlocksReserved => _space.BlocksReserved;

    /// <summary>Values requested from the reverse counter so far (nested callers).</summary>
    public long ReverseIssued => _space.ReverseIssued;

    /// <inheritdoc />
    public ulong NextCookie()
    {
        ref CpuState cpu = ref _cpus.Current;

        // The kernel's "local_inc_return(&nesting) == 1". Closes the race between two threads mapped to this CPU
        // slot: only the thread that moves Nesting from 0 to 1 touches Last/BlockEnd; a loser writes nothing and
        // draws from the reverse counter, as a nested caller does in the kernel.
        if (Interlocked.CompareExchange(ref cpu.Nesting, 1, 0) != 0)
        {
            return _space.NextReverse();
        }

        ulong last = cpu.Last;
        if (last == cpu.BlockEnd)
        {
            last = Refill(ref cpu);
        }

        cpu.Last = ++last;

        // Release: Last and BlockEnd are published before the slot can be claimed again by another thread.
        Volatile.Write(ref cpu.Nesting, 0);
        return last;
    }

    /// <summary>
    /// Simulates a call nested inside a generation in progress on the current CPU (an interrupt in the kernel):
    /// runs <paramref name="nested"/> while the current CPU's slot is claimed.
    /// </summary>
    internal T RunNested<T>(Func<T> nested)
    {
        ref CpuState cpu = ref _cpus.Current;
        // The same claim as NextCookie: holding Nesting at 1 makes any draw inside `nested` on this slot take the
        // nested (reverse-counter) path, as an interrupt arriving mid-update does in the kernel.
        if (Interlocked.CompareExchange(ref cpu.Nesting, 1, 0) != 0)
        {
            throw new InvalidOperationException("The current CPU's slot is already claimed.");
        }

        try
        {
            return nested();
        }
        finally
        {
            // Release the claim, publishing nothing new: this path never wrote Last/BlockEnd.
            Volatile.Write(ref cpu.Nesting, 0);
        }
    }

    // Reserves a block for a claimed slot; returns the value before the block's first, so that the caller's
    // pre-increment yields the first. Releases the claim before throwing.
    private ulong Refill(ref CpuState cpu)
    {
        if (!_space.TryReserveBlock(out ulong start))
        {
            // Release the claim before throwing, so the slot is not left owned by a thread that has left it.
            Volatile.Write(ref cpu.Nesting, 0);
            throw _space.ForwardExhausted();
        }

        cpu.BlockEnd = start + (CookieSpace.BlockSize - 1);
        return start - 1;
    }

    // Last == BlockEnd means the block is used up (both 0 on a fresh CPU), the kernel's "(val & 4095) == 0"
    // test without requiring blocks to be aligned, so any first cookie works.
    private struct CpuState
    {
        public int Nesting;
        public ulong Last;
        public ulong BlockEnd;
    }
}
