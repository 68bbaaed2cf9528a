using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using PerfKit.Bench.Infrastructure;
using PerfKit.Hooks;
using PerfKit.Bench.Runs;

namespace PerfKit.Bench.Hooks;

/// <summary>
/// Cost per hook call, path by path, at 1 and 2 threads, on PerfKit's maps and on the ConcurrentDictionary +
/// MemoryCache baseline running the same hook logic. <see cref="TotalCalls"/> calls per invocation split over the
/// threads (the throughput harness), so Mean is wall time per call across all threads.
/// </summary>
/// <remarks>
/// Each iteration is one invocation after an untimed preparation (<see cref="PathBodies.Prepare"/>): the TCP
/// connect paths connect sockets that have no reverse-NAT entry, so each connect inserts one as a new socket's
/// does, and the release path releases sockets that each have one. The preparation runs on the same threads just
/// before, so they are awake when the timed round starts.
/// </remarks>
[MemoryDiagnoser]
[ThroughputColumns]
[IterationCount(40)] // an iteration is one short invocation (about 0.1 ms): more of them than the default job's
[MinWarmupCount(6, forceAutoWarmup: true)] // BenchmarkDotNet's own warmup, until the figures stop falling: a fixed few rounds can end
[MaxWarmupCount(60, forceAutoWarmup: true)] // while the connect paths are still getting faster (tiering and the tables' caches settle over tens of rounds)
[GcForce(false)] // no forced full collection between these short iterations: it would leave each one starting with cold caches
[BenchmarkCategory(SuiteCategories.Hooks, SuiteCategories.Headline)]
public class HookPathBenchmarks : IDisposable
{
    /// <summary>Hook calls per invocation, all threads together (for the TCP paths, sockets: each is used once).</summary>
    public const int TotalCalls = 2048;

    private ThreadGang _gang = null!;
    private PathBodies _bodies = null!;
    private DotNetTables? _baselineTables;

    /// <summary>The path measured.</summary>
    [ParamsAllValues]
    public HookPath Path { get; set; }

    /// <summary>Threads calling hooks at once.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    /// <summary>The tables under the hook logic.</summary>
    [ParamsAllValues]
    public HookTables Tables { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var host = new NetworkHost();
        TimeProvider clock = Path == HookPath.AffinityMiss ? new JumpingClock() : TimeProvider.System;
        int share = TotalCalls / Threads;
        if (Tables == HookTables.PerfKit)
        {
            var lb = new SocketLoadBalancer(host, HookWorld.Options(clock));
            HookWorld.InstallPathServices(lb);
            _bodies = HookWorld.PathBodies(lb, host, Path, Threads, share);
        }
        else
        {
            var lb = new DotNetLoadBalancer(host, HookWorld.Options(clock));
            _baselineTables = lb.Tables;
            HookWorld.InstallPathServices(lb);
            _bodies = HookWorld.PathBodies(lb, host, Path, Threads, share);
        }

        // With an iteration setup each iteration is a single invocation, too few calls for tiered compilation to
        // reach optimized code within the warmup iterations: a second of untimed rounds first (measured: without
        // it the timed rounds ran partly unoptimized code, at 7× the optimized cost).
        _gang = new ThreadGang(Threads);
        var warm = Stopwatch.StartNew();
        do
        {
            _gang.Run(_bodies.Prepare);
            _gang.Run(_bodies.Measure);
        }
        while (warm.ElapsedMilliseconds < 1000);
    }

    /// <summary>Puts the tables in the state the path starts from (untimed).</summary>
    [IterationSetup]
    public void Prepare() => _gang.Run(_bodies.Prepare);

    [GlobalCleanup]
    public void Dispose()
    {
        _gang?.Dispose();
        _baselineTables?.Dispose();
        GC.SuppressFinalize(this);
    }

    [Benchmark(OperationsPerInvoke = TotalCalls)]
    public void Hook() => _gang.Run(_bodies.Measure);
}
