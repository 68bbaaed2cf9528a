using System.Collections.Concurrent;
using BitFaster.Caching.Lru;
using Microsoft.Extensions.Caching.Memory;
using PerfKit.Maps;

namespace PerfKit.Bench.Maps;

/// <summary>The operations the map benchmarks time, implemented by one struct per contender.</summary>
public interface IMapContender
{
    /// <summary>A lookup as the structure's users do it (the LRU map's program lookup sets the reference bit).</summary>
    bool TryGet(ulong key, out ulong value);

    /// <summary>Create or replace.</summary>
    void Put(ulong key, ulong value);

    /// <summary>Look up; on a miss, add the key with itself as value.</summary>
    void GetOrAdd(ulong key);
}

/// <summary>Generic loops, specialised by the JIT for each contender struct (no interface dispatch in the loop).</summary>
public static class MapOps
{
    /// <summary>Looks up every key; returns a checksum so the JIT keeps the calls.</summary>
    public static ulong Lookups<TMap>(TMap map, ulong[] keys)
        where TMap : struct, IMapContender
    {
        ulong sum = 0;
        foreach (ulong key in keys)
        {
            sum += map.TryGet(key, out ulong value) ? value : 1;
        }

        return sum;
    }

    /// <summary>Sets <paramref name="count"/> keys starting at <paramref name="start"/> in <paramref name="keys"/>.</summary>
    /// <remarks>
    /// Compiled fully optimized at once, as <see cref="GetOrAdds{TMap}"/>: each is called once per invocation with a
    /// long loop, too few calls for tiered compilation to finish within a run.
    /// </remarks>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static void Sets<TMap>(TMap map, ulong[] keys, int start, int count)
        where TMap : struct, IMapContender
    {
        for (int i = start; i < start + count; i++)
        {
            map.Put(keys[i], keys[i]);
        }
    }

    /// <summary>Get-or-add of <paramref name="count"/> keys starting at <paramref name="start"/>.</summary>
    /// <remarks>
    /// Compiled fully optimized at once: it is called once per thread per invocation, so tiered compilation reaches its
    /// final code only after many invocations, and until then the measured loop would run earlier tiers' code.
    /// </remarks>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static void GetOrAdds<TMap>(TMap map, ulong[] keys, int start, int count)
        where TMap : struct, IMapContender
    {
        for (int i = start; i < start + count; i++)
        {
            map.GetOrAdd(keys[i]);
        }
    }
}

/// <summary><see cref="LruHashMap{TKey, TValue}"/>: program lookup, BPF_ANY update, and its atomic <see cref="LruHashMap{TKey, TValue}.GetOrAdd(TKey, TValue)"/>.</summary>
public readonly struct LruContender(LruHashMap<ulong, ulong> map) : IMapContender
{
    /// <inheritdoc />
    public bool TryGet(ulong key, out ulong value) => map.TryLookup(key, out value);

    /// <inheritdoc />
    public void Put(ulong key, ulong value) => map.Update(key, value);

    /// <inheritdoc />
    public void GetOrAdd(ulong key) => map.GetOrAdd(key, key);
}

/// <summary><see cref="LruHashMap{TKey, TValue}"/> with in-place writes of existing keys (<see cref="LruHashMap{TKey, TValue}.TryWrite"/>).</summary>
public readonly struct LruInPlaceContender(LruHashMap<ulong, ulong> map) : IMapContender
{
    /// <inheritdoc />
    public bool TryGet(ulong key, out ulong value) => map.TryLookup(key, out value);

    /// <inheritdoc />
    public void Put(ulong key, ulong value)
    {
        if (!map.TryWrite(key, value))
        {
            map.Update(key, value);
        }
    }

    /// <inheritdoc />
    public void GetOrAdd(ulong key) => new LruContender(map).GetOrAdd(key);
}

/// <summary><see cref="ConcurrentDictionary{TKey, TValue}"/> (unbounded: it never evicts).</summary>
public readonly struct DictionaryContender(ConcurrentDictionary<ulong, ulong> map) : IMapContender
{
    /// <inheritdoc />
    public bool TryGet(ulong key, out ulong value) => map.TryGetValue(key, out value);

    /// <inheritdoc />
    public void Put(ulong key, ulong value) => map[key] = value;

    /// <inheritdoc />
    public void GetOrAdd(ulong key) => map.GetOrAdd(key, static k => k);
}

/// <summary>BitFaster.Caching <see cref="FastConcurrentLru{K, V}"/>.</summary>
public readonly struct FastLruContender(FastConcurrentLru<ulong, ulong> map) : IMapContender
{
    /// <inheritdoc />
    public bool TryGet(ulong key, out ulong value) => map.TryGet(key, out value);

    /// <inheritdoc />
    public void Put(ulong key, ulong value) => map.AddOrUpdate(key, value);

    /// <inheritdoc />
    public void GetOrAdd(ulong key) => map.GetOrAdd(key, static k => k);
}

/// <summary>BitFaster.Caching <see cref="ConcurrentLru{K, V}"/>.</summary>
public readonly struct ConcurrentLruContender(ConcurrentLru<ulong, ulong> map) : IMapContender
{
    /// <inheritdoc />
    public bool TryGet(ulong key, out ulong value) => map.TryGet(key, out value);

    /// <inheritdoc />
    public void Put(ulong key, ulong value) => map.AddOrUpdate(key, value);

    /// <inheritdoc />
    public void GetOrAdd(ulong key) => map.GetOrAdd(key, static k => k);
}

/// <summary>
/// <see cref="MemoryCache"/> with a size limit and entries of size 1. Its keys are objects, so every call boxes the
/// key, as it does in user code with value-type keys.
/// </summary>
public readonly struct MemoryCacheContender(MemoryCache cache, MemoryCacheEntryOptions sizeOne) : IMapContender
{
    /// <inheritdoc />
    public bool TryGet(ulong key, out ulong value) => cache.TryGetValue(key, out value);

    /// <inheritdoc />
    public void Put(ulong key, ulong value) => cache.Set(key, value, sizeOne);

    /// <inheritdoc />
    public void GetOrAdd(ulong key)
    {
        if (!cache.TryGetValue(key, out ulong _))
        {
            cache.Set(key, key, sizeOne);
        }
    }
}
