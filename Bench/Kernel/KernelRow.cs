using PerfKit.Bench.Infrastructure;
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
    /// <param name="streamsByThread">Each benchmark thread's keys, of one power-of-two length; thread i is gang member i (<see cref="ThreadGang.CpuOf"/>).</param>
    /// <param name="workload">What each iteration does.</param>
    public KernelRow(KernelMapKind kind, int capacity, IReadOnlyList<ulong> prefill, IReadOnlyList<ulong[]> streamsByThread, LoopWorkload workload)
    {
        ArgumentNullException.ThrowIfNull(prefill);
        ArgumentNullException.ThrowIfNull(streamsByThread);
        _map = FilledKernelMap.Create(kind, capacity, prefill, "perfkit_bdn");

        // One stream per possible CPU: thread i's on the CPU its gang member is pinned to; CPUs no thread runs on
        // replay the first thread's.
        _streams = new KeyStreams([.. Enumerable.Range(0, KernelCpus.PossibleCount).Select(cpu =>
        {
            int thread = Enumerable.Range(0, streamsByThread.Count).FirstOrDefault(t => ThreadGang.CpuOf(t) == cpu, -1);
            return streamsByThread[thread >= 0 ? thread : 0];
        })]);
        _loop = KernelLoop.Create(workload, _map, _streams);
        _alone = KernelLoop.Create(LoopWorkload.Overhead, null, _streams);
    }

    /// <summary>
    /// Runs <paramref name="operations"/> iterations (a multiple of <see cref="KernelLoop.Iterations"/>, one call each) of
    /// the workload on the calling thread's CPU, which a <see cref="ThreadGang"/> member is pinned to: each CPU's
    /// program runs walk that CPU's stream.
    /// </summary>
    public void Run(int operations) => Run(_loop, operations);

    /// <summary>The same loop without the map calls.</summary>
    public void RunLoopAlone(int operations) => Run(_alone, operations);

    /// <inheritdoc />
    public void Dispose()
    {
        _loop.Dispose();
        _alone.Dispose();
        _streams.Dispose();
        _map.Dispose();
    }

    private static void Run(KernelLoop loop, int operations)
    {
        for (int call = operations / KernelLoop.Iterations; call > 0; call--)
        {
            loop.RunOnce();
        }
    }
}
