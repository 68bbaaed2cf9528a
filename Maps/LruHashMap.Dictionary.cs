using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using PerfKit.Maps.Internal;

namespace PerfKit.Maps;

// The surface .NET developers reach for, each member mapped onto the kernel-faithful one it is made of.
public sealed partial class LruHashMap<TKey, TValue>
{
    /// <summary>Gets the value for <paramref name="key"/>: a lookup as a BPF program makes it (<see cref="TryLookup"/>), which sets the entry's reference bit.</summary>
    /// <returns>True if the key was in the map.</returns>
    public bool TryGetValue(TKey key, [MaybeNullWhen(false)] out TValue value) => TryLookup(key, out value);

    /// <summary>Whether <paramref name="key"/> is in the map: a lookup as user space makes it (<see cref="TryPeek"/>), which leaves the reference bit alone.</summary>
    /// <remarks>Another thread's insert can evict the key right after: an answer is true at one instant, not after.</remarks>
    public bool ContainsKey(TKey key) => TryPeek(key, out _);

    /// <summary>
    /// Gets the value for <paramref name="key"/> (as <see cref="TryGetValue"/>), or sets it (as <see cref="Update"/> with
    /// <see cref="UpdateFlags.Any"/>, which takes a node and may evict other entries).
    /// </summary>
    /// <exception cref="KeyNotFoundException">Get: the key is not in the map (never added, deleted, or evicted).</exception>
    /// <exception cref="InvalidOperationException">Set: no node could be found (<see cref="MapResult.NoFreeNode"/>, the kernel's -ENOMEM).</exception>
    public TValue this[TKey key]
    {
        get => TryLookup(key, out TValue value) ? value : throw MapSurface.KeyNotFound(key);
        set => MapSurface.ThrowIfNoRoom(Update(key, value, UpdateFlags.Any));
    }

    /// <summary>Adds <paramref name="key"/> if it is absent: <see cref="Update"/> with <see cref="UpdateFlags.NoExist"/>, which takes a node first and so may evict other entries even when the key exists.</summary>
    /// <returns>True if added; false if the key was in the map. In a full map the node taken first can evict the key itself, which is then added.</returns>
    /// <exception cref="InvalidOperationException">No node could be found (<see cref="MapResult.NoFreeNode"/>).</exception>
    public bool TryAdd(TKey key, TValue value)
    {
        MapResult result = Update(key, value, UpdateFlags.NoExist);
        MapSurface.ThrowIfNoRoom(result);
        return result == MapResult.Ok;
    }

    /// <summary>
    /// Replaces the value of <paramref name="key"/> with <paramref name="newValue"/> if it currently equals
    /// <paramref name="comparisonValue"/> (by bytes), atomically: compared and written in place under the bucket's
    /// lock, as <see cref="TryWrite"/> writes. No node is taken and nothing is evicted.
    /// </summary>
    /// <returns>True if the value was replaced.</returns>
    /// <exception cref="NotSupportedException"><typeparamref name="TValue"/> has padding or overlapping fields, so two copies of one value may differ in bytes.</exception>
    public bool TryUpdate(TKey key, TValue newValue, TValue comparisonValue)
    {
        BytewiseKey<TValue>.ValidateComparedValue(nameof(TryUpdate));
        uint hash = _reader.HashOf(key);
        int bucket = _table.BucketOf(hash);
        _table.LockBucket(bucket);
        int n = _table.FindLocked(key, hash);
        bool replaced = n >= 0 && KeyOps<TValue>.Equal(_nodes[n].Value, comparisonValue);
        if (replaced)
        {
            _table.WriteValue(n, newValue);
            BpfLru<TKey, TValue>.SetRef(ref _nodes[n]);
        }

        _table.UnlockBucket(bucket);
        return replaced;
    }

    /// <summary>Removes <paramref name="key"/> and returns its value, atomically (<see cref="LookupAndDelete"/>).</summary>
    /// <returns>True if the key was in the map.</returns>
    public bool TryRemove(TKey key, [MaybeNullWhen(false)] out TValue value) => LookupAndDelete(key, out value) == MapResult.Ok;

    /// <summary>
    /// The value for <paramref name="key"/>, added as <paramref name="value"/> if absent. Returns the value in the map,
    /// whichever thread's add won: a lookup (<see cref="TryLookup"/>); on a miss, an add (<see cref="TryAdd"/>); if
    /// another thread added the key first, its value. An add takes a node and may evict; if an eviction removes the
    /// winner's entry before a loser reads it, the loser adds its own value and returns that.
    /// </summary>
    /// <exception cref="InvalidOperationException">No node could be found (<see cref="MapResult.NoFreeNode"/>).</exception>
    public TValue GetOrAdd(TKey key, TValue value) => GetOrAdd(key, static (_, v) => v, value);

    /// <summary>
    /// The value for <paramref name="key"/>, added from <paramref name="valueFactory"/> if absent. Returns the value
    /// in the map, whichever thread won; as with ConcurrentDictionary, the factory may run on several threads for the
    /// same key, and only one result is kept.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="valueFactory"/> is null.</exception>
    /// <exception cref="InvalidOperationException">No node could be found (<see cref="MapResult.NoFreeNode"/>).</exception>
    public TValue GetOrAdd(TKey key, Func<TKey, TValue> valueFactory)
    {
        ArgumentNullException.ThrowIfNull(valueFactory);
        return GetOrAdd(key, static (k, factory) => factory(k), valueFactory);
    }

    /// <summary>As <see cref="GetOrAdd(TKey, Func{TKey, TValue})"/>, with an argument for the factory (so that it need not capture one).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="valueFactory"/> is null.</exception>
    /// <exception cref="InvalidOperationException">No node could be found (<see cref="MapResult.NoFreeNode"/>).</exception>
    public TValue GetOrAdd<TArg>(TKey key, Func<TKey, TArg, TValue> valueFactory, TArg factoryArgument)
    {
        ArgumentNullException.ThrowIfNull(valueFactory);
        uint hash = _reader.HashOf(key);
        while (true)
        {
            if (!Unsafe.IsNullRef(ref LookupAsProgram(key, hash, out TValue existing)))
            {
                return existing;
            }

            TValue created = valueFactory(key, factoryArgument);
            MapResult result = UpdateHashed(key, hash, created, UpdateFlags.NoExist);
            if (result == MapResult.Ok)
            {
                return created;
            }

            // KeyExists: another thread added the key since the lookup; read its value (again, if that was evicted).
            MapSurface.ThrowIfNoRoom(result);
        }
    }

    /// <summary>
    /// Adds <paramref name="key"/> as <paramref name="addValue"/> if absent, or replaces its value with
    /// <paramref name="updateValueFactory"/>'s result from the current one, atomically per attempt (<see cref="TryAdd"/>
    /// or <see cref="TryUpdate"/>, retried when another thread changed the entry in between). Adding takes a node and may
    /// evict; updating writes in place and never does.
    /// </summary>
    /// <returns>The value now in the map.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="updateValueFactory"/> is null.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="TValue"/> has padding or overlapping fields (see <see cref="TryUpdate"/>).</exception>
    /// <exception cref="InvalidOperationException">No node could be found (<see cref="MapResult.NoFreeNode"/>).</exception>
    public TValue AddOrUpdate(TKey key, TValue addValue, Func<TKey, TValue, TValue> updateValueFactory)
    {
        ArgumentNullException.ThrowIfNull(updateValueFactory);
        return MapSurface.AddOrUpdate(this, key, static (_, add) => add, updateValueFactory, addValue);
    }

    /// <summary>As <see cref="AddOrUpdate(TKey, TValue, Func{TKey, TValue, TValue})"/>, with the added value made by <paramref name="addValueFactory"/>.</summary>
    /// <returns>The value now in the map.</returns>
    /// <exception cref="ArgumentNullException">A factory is null.</exception>
    /// <exception cref="InvalidOperationException">No node could be found (<see cref="MapResult.NoFreeNode"/>).</exception>
    public TValue AddOrUpdate(TKey key, Func<TKey, TValue> addValueFactory, Func<TKey, TValue, TValue> updateValueFactory)
    {
        ArgumentNullException.ThrowIfNull(addValueFactory);
        ArgumentNullException.ThrowIfNull(updateValueFactory);
        return MapSurface.AddOrUpdate(this, key, static (k, factory) => factory(k), updateValueFactory, addValueFactory);
    }

    /// <summary>The keys, enumerated as <see cref="GetEnumerator"/> does (bucket by bucket, safe under concurrent change).</summary>
    public IEnumerable<TKey> Keys => this.Select(entry => entry.Key);

    /// <summary>The values, enumerated as <see cref="GetEnumerator"/> does.</summary>
    public IEnumerable<TValue> Values => this.Select(entry => entry.Value);
}
