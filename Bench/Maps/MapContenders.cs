using System.Collections.Concurrent;
using BitFaster.Caching.Lru;
using Microsoft.Extensions.Caching.Memory;
using PerfKit.Maps;

namespace PerfKit.Bench.Maps;

/// <summary>
/// Every structure the map benchmarks compare, built the same way: the LRU map in both flavors, and what a .NET
/// developer would reach for instead (ConcurrentDictionary, BitFaster.Caching's FastConcurrentLru and
/// ConcurrentLru, Microsoft.Extensions.Caching.Memory's MemoryCache with a size limit).
/// </summary>
public sealed class MapContenders : IDisposable
{
    private static readonly MemoryCacheEntryOptions s_sizeOne = new() { Size = 1 };

    /// <summary>Builds them all with room for <paramref name="capacity"/> entries.</summary>
    public MapContenders(int capacity)
    {
        Common = new LruHashMap<ulong, ulong>(new LruHashMapOptions { MaxEntries = capacity, Flavor = LruFlavor.Common });
        PerCpu = new LruHashMap<ulong, ulong>(new LruHashMapOptions { MaxEntries = capacity, Flavor = LruFlavor.PerCpu });
        Dictionary = new ConcurrentDictionary<ulong, ulong>(Environment.ProcessorCount, capacity);
        FastLru = new FastConcurrentLru<ulong, ulong>(capacity);
        Lru = new ConcurrentLru<ulong, ulong>(capacity);
        MemoryCache = new MemoryCache(new MemoryCacheOptions { SizeLimit = capacity });
    }

    public LruHashMap<ulong, ulong> Common { get; }

    public LruHashMap<ulong, ulong> PerCpu { get; }

    public ConcurrentDictionary<ulong, ulong> Dictionary { get; }

    public FastConcurrentLru<ulong, ulong> FastLru { get; }

    public ConcurrentLru<ulong, ulong> Lru { get; }

    public MemoryCache MemoryCache { get; }

    public LruContender CommonOps => new(Common);

    public LruContender PerCpuOps => new(PerCpu);

    public DictionaryContender DictionaryOps => new(Dictionary);

    public FastLruContender FastLruOps => new(FastLru);

    public ConcurrentLruContender LruOps => new(Lru);

    public MemoryCacheContender MemoryCacheOps => new(MemoryCache, s_sizeOne);

    /// <summary>Inserts every key into every structure.</summary>
    public void Fill(ulong[] keys)
    {
        MapOps.Sets(CommonOps, keys, 0, keys.Length);
        MapOps.Sets(PerCpuOps, keys, 0, keys.Length);
        MapOps.Sets(DictionaryOps, keys, 0, keys.Length);
        MapOps.Sets(FastLruOps, keys, 0, keys.Length);
        MapOps.Sets(LruOps, keys, 0, keys.Length);
        MapOps.Sets(MemoryCacheOps, keys, 0, keys.Length);
    }

    /// <inheritdoc />
    public void Dispose() => MemoryCache.Dispose();
}
