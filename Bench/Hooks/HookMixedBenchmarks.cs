using BenchmarkDotNet.Attributes;
using PerfKit.Bench.Infrastructure;
using PerfKit.Hooks;
using PerfKit.Bench.Runs;

namespace PerfKit.Bench.Hooks;

/// <summary>
/// The mixed workload (<see cref="MixedHookWorkload"/>) at 1 and 2 threads, on PerfKit's maps and on the
/// ConcurrentDictionary + MemoryCache baseline running the same hook logic (baseline = that baseline's run).
/// 2^15 operations per invocation split over the threads.
/// </summary>
[MemoryDiagnoser]
[ThroughputColumns]
[BenchmarkCategory(SuiteCategories.Hooks, SuiteCategories.Headline)]
public class HookMixedBenchmarks : IDisposable
{
    /// <summary>Operations per invocation, all threads together.</summary>
    public const int TotalOperations = 1 << 15;

    private ThreadGang _gang = null!;
    private Action<int> _perfKit = null!, _baseline = null!;
    private DotNetTables? _baselineTables;

    /// <summary>Threads running the workload at once.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        int share = TotalOperations / Threads;
        var perfKitHost = new NetworkHost();
        _perfKit = MixedHookWorkload.Build(new SocketLoadBalancer(perfKitHost, HookWorld.Options(TimeProvider.System)), perfKitHost, Threads, share);
        var baselineHost = new NetworkHost();
        var baseline = new DotNetLoadBalancer(baselineHost, HookWorld.Options(TimeProvider.System));
        _baselineTables = baseline.Tables;
        _baseline = MixedHookWorkload.Build(baseline, baselineHost, Threads, share);
        _gang = new ThreadGang(Threads);
        _gang.Run(_perfKit); // warm both: entries exist, steady state
        _gang.Run(_baseline);
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _gang?.Dispose();
        _baselineTables?.Dispose();
        GC.SuppressFinalize(this);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = TotalOperations, Description = "ConcurrentDictionary + MemoryCache tables")]
    public void Baseline() => _gang.Run(_baseline);

    [Benchmark(OperationsPerInvoke = TotalOperations, Description = "PerfKit maps (SocketLoadBalancer)")]
    public void PerfKit() => _gang.Run(_perfKit);
}
