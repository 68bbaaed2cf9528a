namespace PerfKit.Maps.Internal;

/// <summary>The kernel-style operations the .NET surface of both maps is built from.</summary>
internal interface IMapPrimitives<TKey, TValue>
    where TKey : unmanaged
    where TValue : unmanaged
{
    /// <summary>A lookup that changes nothing (a syscall lookup).</summary>
    bool TryPeek(in TKey key, out TValue value);

    /// <summary>An update with NoExist; false when the key exists.</summary>
    bool TryAdd(TKey key, TValue value);

    /// <summary>A compare-and-write in place, under the bucket lock.</summary>
    bool TryUpdate(TKey key, TValue newValue, TValue comparisonValue);
}

/// <summary>The parts of the .NET surface that are the same for both maps: retry loops and the exceptions for kernel results.</summary>
internal static class MapSurface
{
    /// <summary>
    /// ConcurrentDictionary's AddOrUpdate over kernel operations: a lookup, then a compare-and-write of the updated
    /// value (or an add), retried when another thread changed the entry in between. The factories run outside any lock.
    /// </summary>
    public static TValue AddOrUpdate<TMap, TKey, TValue, TArg>(TMap map, TKey key, Func<TKey, TArg, TValue> addValueFactory, Func<TKey, TValue, TValue> updateValueFactory, TArg addArgument)
        where TMap : IMapPrimitives<TKey, TValue>
        where TKey : unmanaged
        where TValue : unmanaged
    {
        BytewiseKey<TValue>.ValidateComparedValue("AddOrUpdate"); // up front, not only once the key exists
        while (true)
        {
            if (map.TryPeek(key, out TValue current))
            {
                TValue updated = updateValueFactory(key, current);
                if (map.TryUpdate(key, updated, current))
                {
                    return updated;
                }
            }
            else
            {
                TValue added = addValueFactory(key, addArgument);
                if (map.TryAdd(key, added))
                {
                    return added;
                }
            }
        }
    }

    /// <summary>Throws for a result that means no node was available: <see cref="MapResult.NoFreeNode"/> or <see cref="MapResult.MapFull"/>.</summary>
    /// <exception cref="InvalidOperationException"><see cref="MapResult.NoFreeNode"/> (the kernel's -ENOMEM) or <see cref="MapResult.MapFull"/> (-E2BIG): a state of the map, not of the process's memory.</exception>
    public static void ThrowIfNoRoom(MapResult result)
    {
        if (result == MapResult.NoFreeNode)
        {
            throw new InvalidOperationException("The map found no free node (the kernel's -ENOMEM): every node is in use on other CPUs' lists.");
        }

        if (result == MapResult.MapFull)
        {
            throw new InvalidOperationException("The map is full (the kernel's -E2BIG): a hash map never evicts; delete entries or size it larger.");
        }
    }

    /// <summary>The exception for a key that is not in a map.</summary>
    public static KeyNotFoundException KeyNotFound<TKey>(TKey key) => new($"The key {key} is not in the map.");
}
