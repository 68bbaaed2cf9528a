using BenchmarkDotNet.Attributes;
using PerfKit.Bench.Infrastructure;
using PerfKit.Hooks;

namespace PerfKit.Bench.Hooks;

/// <summary>
/// Cost per hook call, path by path, at 1 and 2 threads, on PerfKit's maps and on the ConcurrentDictionary +
/// MemoryCache baseline running the same hook logic. 8,192 calls per invocation split over the threads (the
/// throughput harness), so Mean is wall time per call across all threads. TCP paths include the release of the
/// socket's previous connection, so each connect inserts its reverse-NAT entry afresh.
/// </summary>
[MemoryDiagnoser]
[ThroughputColumns]
[BenchmarkCategory("hooks")]
public class HookPathBenchmarks : IDisposable
{
    /// <summary>Hook calls per invocation, all threads together.</summary>
    public const int TotalCalls = 8192;

    private ThreadGang _gang = null!;
    private Action<int> _body = null!;
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
            _body = HookWorld.PathBody(lb, host, Path, Threads, share);
        }
        else
        {
            var lb = new DotNetLoadBalancer(host, HookWorld.Options(clock));
            _baselineTables = lb.Tables;
            HookWorld.InstallPathServices(lb);
            _body = HookWorld.PathBody(lb, host, Path, Threads, share);
        }

        _gang = new ThreadGang(Threads);
        _gang.Run(_body); // warm the entries every path expects to find
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _gang?.Dispose();
        _baselineTables?.Dispose();
        GC.SuppressFinalize(this);
    }

    [Benchmark(OperationsPerInvoke = TotalCalls)]
    public void Hook() => _gang.Run(_body);
}
