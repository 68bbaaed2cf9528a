using PerfKit.Kernel;

namespace PerfKit.Bench.Infrastructure;

/// <summary>
/// A fixed set of threads that run one body together per <see cref="Run"/>: the throughput harness behind the
/// multi-threaded benchmarks. The calling thread is member 0; the others are dedicated threads, created once (in
/// GlobalSetup), parked between runs and released together, so a BenchmarkDotNet invocation measures the wall time
/// for all members to finish their share.
/// </summary>
/// <remarks>
/// <para>Members are pinned, member i to the i-th online CPU (round robin when there are more members than CPUs), as
/// the kernel's CPUs each run their own work. Unpinned, the scheduler can keep both members on one CPU for a whole run,
/// and a 2-thread figure then measures time sharing rather than the structure under test.</para>
/// <para>/// A one-member gang runs the body on the caller with no synchronisation at all. Otherwise the fixed cost per run is
/// two barrier phases: under a microsecond while the members spin between back-to-back runs, tens of microseconds
/// when a parked member must be woken, which is why runs are given many operations.</para>
/// </remarks>
public sealed class ThreadGang : IDisposable
{
    [ThreadStatic]
    private static int t_pinnedCpuPlusOne; // the CPU this thread was pinned to by a gang, + 1; 0 when not pinned

    private readonly Thread[] _workers;
    private readonly int[] _cpus;
    private readonly Barrier? _barrier;
    private Action<int>? _body;
    private volatile bool _stopping;

    /// <summary>Creates a gang of <paramref name="threadCount"/> members: the caller and <paramref name="threadCount"/> − 1 parked threads.</summary>
    public ThreadGang(int threadCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threadCount, 1);
        Count = threadCount;
        _cpus = CpusFor(threadCount);
        _workers = new Thread[threadCount - 1];
        if (threadCount == 1)
        {
            return;
        }

        _barrier = new Barrier(threadCount);
        for (int i = 0; i < _workers.Length; i++)
        {
            int index = i + 1;
            _workers[i] = new Thread(() => Work(index)) { IsBackground = true, Name = $"gang-{index}" };
            _workers[i].Start();
        }
    }

    /// <summary>Members, the caller included.</summary>
    public int Count { get; }

    /// <summary>Runs <paramref name="body"/>(i) on every member i at once, member 0 on the caller, and returns when all have finished.</summary>
    public void Run(Action<int> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        PinCallingThread(0); // the caller may differ between runs (in-process toolchains): checked on every run
        if (_barrier is null)
        {
            body(0);
            return;
        }

        _body = body; // published to the members by the barrier below
        _barrier.SignalAndWait(); // release
        try
        {
            body(0);
        }
        finally
        {
            _barrier.SignalAndWait(); // all done (also when member 0 threw, so the members are not left waiting)
        }
    }

    /// <summary>Stops and joins the parked threads.</summary>
    public void Dispose()
    {
        if (_barrier is null)
        {
            return;
        }

        _stopping = true;
        _barrier.SignalAndWait();
        foreach (Thread worker in _workers)
        {
            worker.Join();
        }

        _barrier.Dispose();
    }

    private void Work(int index)
    {
        PinCallingThread(index);
        while (true)
        {
            _barrier!.SignalAndWait();
            if (_stopping)
            {
                return;
            }

            _body!(index);
            _barrier.SignalAndWait();
        }
    }

    /// <summary>The CPU gang member <paramref name="member"/> is pinned to, or null where members run unpinned.</summary>
    public static int? CpuOf(int member)
    {
        int[] cpus = CpusFor(member + 1);
        return cpus.Length == 0 ? null : cpus[member];
    }

    // Online CPUs for each member; empty where CPUs cannot be pinned (not Linux, no sysfs), and the gang runs unpinned.
    private static int[] CpusFor(int members)
    {
        if (!OperatingSystem.IsLinux())
        {
            return [];
        }

        try
        {
            IReadOnlyList<int> online = KernelCpus.Online;
            return [.. Enumerable.Range(0, members).Select(i => online[i % online.Count])];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return [];
        }
    }

    private void PinCallingThread(int member)
    {
        if (_cpus.Length == 0 || t_pinnedCpuPlusOne == _cpus[member] + 1)
        {
            return;
        }

        try
        {
            CpuAffinity.Set(_cpus[member]);
            t_pinnedCpuPlusOne = _cpus[member] + 1;
        }
        catch (BpfException)
        {
            // A CPU went offline, or affinity is not ours to set (a restricted container): the member runs unpinned.
        }
    }
}
