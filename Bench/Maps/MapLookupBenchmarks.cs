using BenchmarkDotNet.Attributes;
using PerfKit.Bench.Infrastructure;
using PerfKit.Bench.Kernel;
using PerfKit.Conformance;
using PerfKit.Kernel;
using PerfKit.Bench.Runs;

namespace PerfKit.Bench.Maps;

/// <summary>
/// Single-thread lookup cost, hit and miss: 65,536 keys in structures sized for twice that (so nothing is evicted),
/// 1,024 lookups of random keys per invocation. The LRU map's program lookup sets the reference bit, as
/// ConcurrentLru's TryGet marks the item accessed. Baseline: ConcurrentDictionary.TryGetValue. The running kernel's
/// LRU_HASH (common flavor, filled alike) runs the same 1,024 lookups in a BPF program loop; its loop alone is a row
/// to subtract (<c>-- kernel</c> reports the difference).
/// </summary>
[MemoryDiagnoser]
[ThroughputColumns]
[BenchmarkCategory(SuiteCategories.Maps, SuiteCategories.Headline)]
public class MapLookupBenchmarks : IDisposable
{
    private const int Keys = 65_536;
    private const int Batch = 1024;

    private MapContenders _maps = null!;
    private ulong[] _lookups = null!;
    private KernelRow? _kernel;

    /// <summary>Whether the looked-up keys are present.</summary>
    [Params(true, false)]
    public bool Hit { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _maps = new MapContenders(2 * Keys);
        _maps.Fill(Enumerable.Range(0, Keys).Select(i => (ulong)i).OrderBy(_ => random.Next()).ToArray());
        ulong offset = Hit ? 0UL : Keys;
        _lookups = Enumerable.Range(0, Batch).Select(_ => offset + (ulong)random.Next(Keys)).ToArray();
        if (Hit && (_maps.Common.Count != Keys || _maps.PerCpu.Count != Keys))
        {
            throw new InvalidOperationException("the LRU maps evicted during the fill; the hit benchmark would measure misses");
        }

        if (KernelAvailability.Current.IsAvailable)
        {
            random = new Random(42); // the same fill order as above
            _kernel = new KernelRow(KernelMapKind.LruCommon, 2 * Keys, Enumerable.Range(0, Keys).Select(i => (ulong)i).OrderBy(_ => random.Next()).ToArray(), [_lookups], LoopWorkload.Lookup);
        }
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _maps?.Dispose();
        _kernel?.Dispose();
        GC.SuppressFinalize(this);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Batch, Description = "ConcurrentDictionary.TryGetValue")]
    public ulong Dictionary() => MapOps.Lookups(_maps.DictionaryOps, _lookups);

    [Benchmark(OperationsPerInvoke = Batch, Description = "LruHashMap Common.TryLookup")]
    public ulong Common() => MapOps.Lookups(_maps.CommonOps, _lookups);

    [Benchmark(OperationsPerInvoke = Batch, Description = "LruHashMap PerCpu.TryLookup")]
    public ulong PerCpu() => MapOps.Lookups(_maps.PerCpuOps, _lookups);

    [Benchmark(OperationsPerInvoke = Batch, Description = "FastConcurrentLru.TryGet")]
    public ulong FastLru() => MapOps.Lookups(_maps.FastLruOps, _lookups);

    [Benchmark(OperationsPerInvoke = Batch, Description = "ConcurrentLru.TryGet")]
    public ulong Lru() => MapOps.Lookups(_maps.LruOps, _lookups);

    [Benchmark(OperationsPerInvoke = Batch, Description = "MemoryCache.TryGetValue")]
    public ulong MemoryCache() => MapOps.Lookups(_maps.MemoryCacheOps, _lookups);

    // One program run walks the 1,024 keys four times (its loop is KernelLoop.Iterations long).
    [Benchmark(OperationsPerInvoke = KernelLoop.Iterations, Description = "Kernel LRU_HASH, BPF program lookup")]
    [BenchmarkCategory(KernelRow.Category)]
    public void Kernel() => _kernel!.Run(KernelLoop.Iterations);

    [Benchmark(OperationsPerInvoke = KernelLoop.Iterations, Description = "Kernel, the BPF loop alone (subtract)")]
    [BenchmarkCategory(KernelRow.Category)]
    public void KernelLoopAlone() => _kernel!.RunLoopAlone(KernelLoop.Iterations);
}
