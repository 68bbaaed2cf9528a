using BenchmarkDotNet.Attributes;
using PerfKit.Bench.Infrastructure;
using PerfKit.Bench.Runs;

namespace PerfKit.Bench.Maps;

/// <summary>
/// Single-thread write cost. <see cref="Existing"/>: replace the value of present keys (65,536 keys, structures
/// sized for twice that). <see cref="Existing"/> = false: insert new keys into full structures, so every insert
/// evicts (ConcurrentDictionary, which cannot evict, removes the key inserted one capacity earlier).
/// </summary>
[MemoryDiagnoser]
[ThroughputColumns]
[BenchmarkCategory(SuiteCategories.Maps)]
public class MapUpdateBenchmarks : IDisposable
{
    private const int Keys = 65_536;
    private const int Batch = 1024;

    private MapContenders _maps = null!;
    private ulong[] _keys = null!;
    private int _next;

    /// <summary>True: update existing keys. False: insert new keys with eviction.</summary>
    [Params(true, false)]
    public bool Existing { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(7);
        ulong[] fill = Enumerable.Range(0, Keys).Select(i => (ulong)i).ToArray();
        _maps = new MapContenders(Existing ? 2 * Keys : Keys);
        _maps.Fill(fill);
        // Existing: random present keys. Eviction: an endless stream of fresh keys, cycling through 64 × capacity.
        _keys = Existing
            ? Enumerable.Range(0, Keys).Select(_ => (ulong)random.Next(Keys)).ToArray()
            : Enumerable.Range(0, 64 * Keys).Select(i => (ulong)(Keys + i)).ToArray();
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _maps?.Dispose();
        GC.SuppressFinalize(this);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Batch, Description = "ConcurrentDictionary")]
    public void Dictionary()
    {
        int start = Advance();
        if (Existing)
        {
            MapOps.Sets(_maps.DictionaryOps, _keys, start, Batch);
            return;
        }

        for (int i = start; i < start + Batch; i++)
        {
            _maps.Dictionary[_keys[i]] = _keys[i];
            _maps.Dictionary.TryRemove(_keys[i] - Keys, out _); // the dictionary's "eviction": drop the oldest key
        }
    }

    [Benchmark(OperationsPerInvoke = Batch, Description = "LruHashMap Common.Update")]
    public void Common() => MapOps.Sets(_maps.CommonOps, _keys, Advance(), Batch);

    [Benchmark(OperationsPerInvoke = Batch, Description = "LruHashMap Common, in place when present")]
    public void CommonInPlace() => MapOps.Sets(new LruInPlaceContender(_maps.Common), _keys, Advance(), Batch);

    [Benchmark(OperationsPerInvoke = Batch, Description = "LruHashMap PerCpu.Update")]
    public void PerCpu() => MapOps.Sets(_maps.PerCpuOps, _keys, Advance(), Batch);

    [Benchmark(OperationsPerInvoke = Batch, Description = "FastConcurrentLru.AddOrUpdate")]
    public void FastLru() => MapOps.Sets(_maps.FastLruOps, _keys, Advance(), Batch);

    [Benchmark(OperationsPerInvoke = Batch, Description = "ConcurrentLru.AddOrUpdate")]
    public void Lru() => MapOps.Sets(_maps.LruOps, _keys, Advance(), Batch);

    [Benchmark(OperationsPerInvoke = Batch, Description = "MemoryCache.Set")]
    public void MemoryCache() => MapOps.Sets(_maps.MemoryCacheOps, _keys, Advance(), Batch);

    // The next batch's start; wraps around the key stream (the eviction stream is long enough not to matter).
    private int Advance()
    {
        int start = _next;
        _next = start + (2 * Batch) > _keys.Length ? 0 : start + Batch;
        return start;
    }
}
