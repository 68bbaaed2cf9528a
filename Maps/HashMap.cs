using System.Collections;
using System.Runtime.CompilerServices;
using PerfKit.Diagnostics;
using PerfKit.Maps.Internal;

namespace PerfKit.Maps;

/// <summary>
/// A preallocated hash map with the kernel's BPF_MAP_TYPE_HASH semantics: fixed capacity, no eviction, an
/// update of a new key fails with <see cref="MapResult.MapFull"/> (-E2BIG) when every node is in use; an update
/// of an existing key always succeeds, in place. Lookups take no lock, as in <see cref="LruHashMap{TKey, TValue}"/>.
/// </summary>
/// <typeparam name="TKey">The key: an unmanaged type hashed and compared by its bytes; types whose equality is not their bytes are refused (see <see cref="LruHashMap{TKey, TValue}"/>).</typeparam>
/// <typeparam name="TValue">The value.</typeparam>
/// <remarks>
/// Thread-safe. Lock order: a bucket lock, then (for a new key) one CPU's free-list lock; never the reverse.
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1710:Identifiers should have correct suffix", Justification = "Named after the kernel map it ports, BPF_MAP_TYPE_HASH.")]
public sealed partial class HashMap<TKey, TValue> : IReadOnlyCollection<KeyValuePair<TKey, TValue>>, IMapPrimitives<TKey, TValue>
    where TKey : unmanaged
    where TValue : unmanaged
{
    private readonly HashTable<TKey, TValue> _table;
    private readonly HashTableReader<TKey, TValue> _reader; // the lookups read the table's arrays from here: one load less
    private readonly PerCpuFreeList _free;

    /// <summary>Creates the map with all of its nodes preallocated.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is outside its documented range.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="TKey"/>'s equality is not its bytes.</exception>
    public HashMap(HashMapOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.MaxEntries < 1 || options.MaxEntries > LruHashMap<TKey, TValue>.MaxCapacity)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxEntries,
                $"MaxEntries must be between 1 and {LruHashMap<TKey, TValue>.MaxCapacity}.");
        }

        BytewiseKey<TKey>.Validate($"HashMap<{typeof(TKey).Name}, {typeof(TValue).Name}>");
        Cpu.ValidatePossibleCpus(options.PossibleCpus, nameof(options));
        _table = new HashTable<TKey, TValue>(options.MaxEntries, 0, options.HashSeed);
        _reader = _table.Reader;
        _free = new PerCpuFreeList(options.MaxEntries, options.PossibleCpus);
    }

    /// <summary>The longest bucket chain (quiescent only; tests).</summary>
    internal int LongestChain => _table.LongestChain();

    /// <summary>The bucket a key falls in (tests).</summary>
    internal int BucketOfKey(in TKey key) => _table.BucketOfKey(key);

    /// <summary>The maximum number of entries.</summary>
    public int Capacity => _table.Capacity;

    /// <summary>Live entries. Exact when no update is in flight.</summary>
    public int Count => Capacity - _free.FreeCount;

    /// <summary>Creates or replaces the entry for <paramref name="key"/> (<c>htab_map_update_elem</c>).</summary>
    /// <returns>
    /// <see cref="MapResult.Ok"/>; <see cref="MapResult.KeyExists"/> or <see cref="MapResult.KeyNotFound"/> when the
    /// flags forbid the update; <see cref="MapResult.InvalidFlags"/>; <see cref="MapResult.MapFull"/> when the key is
    /// new and no node is free.
    /// </returns>
    public MapResult Update(in TKey key, in TValue value, UpdateFlags flags = UpdateFlags.Any)
    {
        if ((uint)flags > (uint)UpdateFlags.Exist)
        {
            return MapResult.InvalidFlags;
        }

        uint hash = _reader.HashOf(key);
        int bucket = _table.BucketOf(hash);
        _table.LockBucket(bucket);
        try
        {
            int old = _table.FindLocked(key, hash);
            if (old >= 0)
            {
                if (flags == UpdateFlags.NoExist)
                {
                    return MapResult.KeyExists;
                }

                _table.WriteValue(old, value);
                return MapResult.Ok;
            }

            if (flags == UpdateFlags.Exist)
            {
                return MapResult.KeyNotFound;
            }

            int fresh = _free.Pop();
            if (fresh < 0)
            {
                return MapResult.MapFull;
            }

            _table.WriteEntry(fresh, hash, key, value);
            _table.LinkHead(fresh, bucket);
            return MapResult.Ok;
        }
        finally
        {
            _table.UnlockBucket(bucket);
        }
    }

    /// <summary>Looks up <paramref name="key"/> without taking a lock.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryLookup(in TKey key, out TValue value)
    {
        bool found = !Unsafe.IsNullRef(ref _reader.FindLockFree(key, out value));
        PerfKitCounters.CountLookup(found); // a static branch unless someone polls the counters
        return found;
    }

    /// <summary>Writes the value of an existing entry in place (what a program does through a lookup's pointer).</summary>
    /// <returns>False if the key is not in the map.</returns>
    public bool TryWrite(in TKey key, in TValue value) => Update(key, value, UpdateFlags.Exist) == MapResult.Ok;

    /// <summary>Deletes <paramref name="key"/>; its node returns to the current CPU's free list.</summary>
    /// <returns><see cref="MapResult.Ok"/> or <see cref="MapResult.KeyNotFound"/>.</returns>
    public MapResult Delete(in TKey key) => LookupAndDelete(key, out _);

    /// <summary>Deletes <paramref name="key"/> and returns the value it had, atomically.</summary>
    /// <returns><see cref="MapResult.Ok"/> or <see cref="MapResult.KeyNotFound"/>.</returns>
    public MapResult LookupAndDelete(in TKey key, out TValue value)
    {
        int n = _table.RemoveKey(key, out value);
        if (n < 0)
        {
            return MapResult.KeyNotFound;
        }

        _free.Push(n);
        return MapResult.Ok;
    }

    /// <summary>Enumerates the live entries bucket by bucket (each bucket copied under its lock); safe during mutation.</summary>
    public IEnumerator<KeyValuePair<TKey, TValue>> GetEnumerator() => _table.Enumerate().GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Checks internal consistency (each node linked or free, never both or neither; no key twice). Quiescent only.</summary>
    public MapAudit Audit()
    {
        var problems = new List<string>();
        bool[] linked = _table.AuditChains(Count, problems);
        var onFreeList = new bool[Capacity];
        int free = _free.Audit(onFreeList, problems);
        int live = 0;
        for (int n = 0; n < Capacity; n++)
        {
            live += linked[n] ? 1 : 0;
            if (linked[n] == onFreeList[n])
            {
                problems.Add(linked[n] ? $"node {n} is both linked and free" : $"node {n} is neither linked nor free: lost");
            }
        }

        return MapAudit.Of(live, free, Capacity, problems);
    }
}
