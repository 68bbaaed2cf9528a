using PerfKit.Conformance;
using PerfKit.Kernel;

namespace PerfKit.Bench.Kernel;

/// <summary>
/// The running kernel as rows of a BenchmarkDotNet class: a kernel map of the class's size, filled with the
/// class's keys from CPU 0, and a BPF loop (<see cref="KernelLoop"/>) replaying each thread's key stream on that
/// thread's CPU. The loop alone is a row of its own, to be subtracted (the <c>kernel</c> command does so itself).
/// </summary>
/// <remarks>Benchmark rows in category <see cref="Category"/> are left out of a run where the kernel is not usable (<see cref="BenchConfig"/>).</remarks>
public sealed class KernelRow : IDisposable
{
    /// <summary>The BenchmarkDotNet category of kernel rows.</summary>
    public const string Category = "kernel";

    private readonly BpfMap _map;
    private readonly KeyStreams _streams;
    private readonly KernelLoop _loop, _alone;

    /// <summary>Builds the kernel side.</summary>
    /// <param name="kind">The kernel map.</param>
    /// <param name="capacity">max_entries, as the class's maps.</param>
    /// <param name="prefill">Keys inserted first (value = key).</param>
    /// <param name="streamsByThread">Each benchmark thread's keys, of one power-of-two length; thread i runs on the i-th online CPU.</param>
    /// <param name="workload">What each iteration does.</param>
    public KernelRow(KernelMapKind kind, int capacity, IReadOnlyList<ulong> prefill, IReadOnlyList<ulong[]> streamsByThread, LoopWorkload workload)
    {
        ArgumentNullException.ThrowIfNull(prefill);
        ArgumentNullException.ThrowIfNull(streamsByThread);
        _map = kind.CreateKernelMap(capacity, "perfkit_bdn");
        using (CpuAffinity.Pin(0))
        {
            foreach (ulong key in prefill)
            {
                if (_map.Update(key, key) != Errno.None)
                {
                    throw new InvalidOperationException($"the kernel's {kind} map refused key {key} while being filled");
                }
            }
        }

        // One stream per possible CPU: thread i's on the CPU it is pinned to (ConformanceRunner.Cpus[i]); CPUs no
        // thread runs on replay the first thread's.
        IReadOnlyList<int> cpus = ConformanceRunner.Cpus;
        _streams = new KeyStreams([.. Enumerable.Range(0, KernelCpus.PossibleCount).Select(cpu =>
        {
            int thread = Enumerable.Range(0, streamsByThread.Count).FirstOrDefault(t => cpus[t % cpus.Count] == cpu, -1);
            return streamsByThread[thread >= 0 ? thread : 0];
        })]);
        _loop = KernelLoop.Create(workload, _map, _streams);
        _alone = KernelLoop.Create(LoopWorkload.Overhead, null, _streams);
    }

    /// <summary>Runs <paramref name="operations"/> iterations (a multiple of <see cref="KernelLoop.Iterations"/>, one call each) of the workload on CPU <paramref name="thread"/>.</summary>
    public void Run(int thread, int operations) => Run(_loop, thread, operations);

    /// <summary>The same loop without the map calls.</summary>
    public void RunLoopAlone(int thread, int operations) => Run(_alone, thread, operations);

    /// <inheritdoc />
    public void Dispose()
    {
        _loop.Dispose();
        _alone.Dispose();
        _streams.Dispose();
        _map.Dispose();
    }

    private static void Run(KernelLoop loop, int thread, int operations)
    {
        CpuAffinity.Set(ConformanceRunner.Cpus[thread % ConformanceRunner.Cpus.Count]);
        for (int call = operations / KernelLoop.Iterations; call > 0; call--)
        {
            loop.RunOnce();
        }
    }
}
