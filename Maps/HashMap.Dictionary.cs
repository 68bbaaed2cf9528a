using System.Diagnostics.CodeAnalysis;
using PerfKit.Maps.Internal;

namespace PerfKit.Maps;

// The surface .NET developers reach for, each member mapped onto the kernel-faithful one it is made of. A hash map
// never evicts, so an answer holds until some thread changes that key.
public sealed partial class HashMap<TKey, TValue>
{
    /// <summary>Gets the value for <paramref name="key"/> (<see cref="TryLookup"/>).</summary>
    /// <returns>True if the key was in the map.</returns>
    public bool TryGetValue(TKey key, [MaybeNullWhen(false)] out TValue value) => TryLookup(key, out value);

    /// <summary>Whether <paramref name="key"/> is in the map (<see cref="TryLookup"/>).</summary>
    public bool ContainsKey(TKey key) => TryLookup(key, out _);

    /// <summary>Gets the value for <paramref name="key"/>, or sets it (<see cref="Update"/> with <see cref="UpdateFlags.Any"/>, in place for an existing key).</summary>
    /// <exception cref="KeyNotFoundException">Get: the key is not in the map.</exception>
    /// <exception cref="InvalidOperationException">Set: the key is new and the map is full (<see cref="MapResult.MapFull"/>).</exception>
    public TValue this[TKey key]
    {
        get => TryLookup(key, out TValue value) ? value : throw MapSurface.KeyNotFound(key);
        set => MapSurface.ThrowIfNoRoom(Update(key, value, UpdateFlags.Any));
    }

    /// <summary>Adds <paramref name="key"/> if it is absent (<see cref="Update"/> with <see cref="UpdateFlags.NoExist"/>).</summary>
    /// <returns>True if added; false if the key was already in the map.</returns>
    /// <exception cref="InvalidOperationException">The map is full (<see cref="MapResult.MapFull"/>).</exception>
    public bool TryAdd(TKey key, TValue value)
    {
        MapResult result = Update(key, value, UpdateFlags.NoExist);
        MapSurface.ThrowIfNoRoom(result);
        return result == MapResult.Ok;
    }

    /// <summary>
    /// Replaces the value of <paramref name="key"/> with <paramref name="newValue"/> if it currently equals
    /// <paramref name="comparisonValue"/> (by bytes), atomically: compared and written in place under the bucket's lock.
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
        bool replaced = n >= 0 && KeyOps<TValue>.Equal(_table.Nodes[n].Value, comparisonValue);
        if (replaced)
        {
            _table.WriteValue(n, newValue);
        }

        _table.UnlockBucket(bucket);
        return replaced;
    }

    /// <summary>Removes <paramref name="key"/> and returns its value, atomically (<see cref="LookupAndDelete"/>).</summary>
    /// <returns>True if the key was in the map.</returns>
    public bool TryRemove(TKey key, [MaybeNullWhen(false)] out TValue value) => LookupAndDelete(key, out value) == MapResult.Ok;

    /// <summary>The value for <paramref name="key"/>, added as <paramref name="value"/> if absent; the value in the map, whichever thread's add won.</summary>
    /// <exception cref="InvalidOperationException">The key is new and the map is full (<see cref="MapResult.MapFull"/>).</exception>
    public TValue GetOrAdd(TKey key, TValue value) => GetOrAdd(key, static (_, v) => v, value);

    /// <summary>
    /// The value for <paramref name="key"/>, added from <paramref name="valueFactory"/> if absent; the value in the map,
    /// whichever thread won. The factory runs outside the lock and may run on several threads for one key.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="valueFactory"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The key is new and the map is full (<see cref="MapResult.MapFull"/>).</exception>
    public TValue GetOrAdd(TKey key, Func<TKey, TValue> valueFactory)
    {
        ArgumentNullException.ThrowIfNull(valueFactory);
        return GetOrAdd(key, static (k, factory) => factory(k), valueFactory);
    }

    /// <summary>As <see cref="GetOrAdd(TKey, Func{TKey, TValue})"/>, with an argument for the factory.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="valueFactory"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The key is new and the map is full (<see cref="MapResult.MapFull"/>).</exception>
    public TValue GetOrAdd<TArg>(TKey key, Func<TKey, TArg, TValue> valueFactory, TArg factoryArgument)
    {
        ArgumentNullException.ThrowIfNull(valueFactory);
        if (TryLookup(key, out TValue existing))
        {
            return existing;
        }

        TValue created = valueFactory(key, factoryArgument);
        while (true)
        {
            // NoExist decides under the bucket lock: the key is added now (ours) or another thread added it (its value).
            MapResult result = Update(key, created, UpdateFlags.NoExist);
            MapSurface.ThrowIfNoRoom(result);
            if (result == MapResult.Ok)
            {
                return created;
            }

            if (TryLookup(key, out existing))
            {
                return existing;
            }

            // Deleted between the two: try again.
        }
    }

    /// <summary>
    /// Adds <paramref name="key"/> as <paramref name="addValue"/> if absent, or replaces its value with
    /// <paramref name="updateValueFactory"/>'s result from the current one (<see cref="TryAdd"/> or <see cref="TryUpdate"/>,
    /// retried when another thread changed the entry in between).
    /// </summary>
    /// <returns>The value now in the map.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="updateValueFactory"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The key is new and the map is full.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="TValue"/> has padding or overlapping fields (see <see cref="TryUpdate"/>).</exception>
    public TValue AddOrUpdate(TKey key, TValue addValue, Func<TKey, TValue, TValue> updateValueFactory)
    {
        ArgumentNullException.ThrowIfNull(updateValueFactory);
        return MapSurface.AddOrUpdate(this, key, static (_, add) => add, updateValueFactory, addValue);
    }

    /// <summary>As <see cref="AddOrUpdate(TKey, TValue, Func{TKey, TValue, TValue})"/>, with the added value made by <paramref name="addValueFactory"/>.</summary>
    /// <returns>The value now in the map.</returns>
    /// <exception cref="ArgumentNullException">A factory is null.</exception>
    /// <exception cref="InvalidOperationException">The key is new and the map is full.</exception>
    public TValue AddOrUpdate(TKey key, Func<TKey, TValue> addValueFactory, Func<TKey, TValue, TValue> updateValueFactory)
    {
        ArgumentNullException.ThrowIfNull(addValueFactory);
        ArgumentNullException.ThrowIfNull(updateValueFactory);
        return MapSurface.AddOrUpdate(this, key, static (k, factory) => factory(k), updateValueFactory, addValueFactory);
    }

    /// <summary>The keys, enumerated as <see cref="GetEnumerator"/> does.</summary>
    public IEnumerable<TKey> Keys => this.Select(entry => entry.Key);

    /// <summary>The values, enumerated as <see cref="GetEnumerator"/> does.</summary>
    public IEnumerable<TValue> Values => this.Select(entry => entry.Value);

    bool IMapPrimitives<TKey, TValue>.TryPeek(in TKey key, out TValue value) => TryLookup(key, out value); // no reference bit to leave alone
}
