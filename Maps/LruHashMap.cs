using System.Collections;
using System.Runtime.CompilerServices;
using PerfKit.Diagnostics;
using PerfKit.Maps.Internal;

namespace PerfKit.Maps;

/// <summary>
/// A port of the Linux kernel's BPF LRU hash map (BPF_MAP_TYPE_LRU_HASH, with BPF_F_NO_COMMON_LRU as the
/// <see cref="LruFlavor.PerCpu"/> flavor): preallocated nodes, an approximate LRU with second-chance rotation,
/// per-CPU free lists, lookups that take no lock (one that meets an in-place write of its entry waits for it, as a
/// seqlock reader does). Keys and values are copied in and out by value.
/// </summary>
/// <typeparam name="TKey">
/// The key: an unmanaged type hashed and compared by its bytes. Types whose equality is not their bytes (<see cref="float"/>,
/// <see cref="double"/>, <see cref="Half"/>, <see cref="decimal"/>, structs with padding or containing those) are refused at
/// construction with <see cref="NotSupportedException"/>.
/// </typeparam>
/// <typeparam name="TValue">The value: an unmanaged type, copied in and out by value; compared by its bytes where a member compares values.</typeparam>
/// <remarks>
/// <para>Semantics are the kernel's, including the surprising ones: an update takes a node from the LRU
/// <em>before</em> it checks the flags or whether the key exists, so in a full map an update of an existing key
/// (even a failing one) can evict entries, that key included; eviction happens in batches; a CPU refills its
/// local free list in batches of <see cref="TargetFree"/> and may evict while other CPUs hold free nodes (see
/// <see cref="LruHashMapOptions.StealBeforeShrink"/>). Size maps well above their working set.</para>
/// <para>The current CPU is <c>Cpu.Current % PossibleCpus</c>; <see cref="Cpu.Pin"/> makes every operation
/// deterministic.</para>
/// <para>All members are thread-safe. <see cref="TryLookup"/> and <see cref="TryPeek"/> take no lock, and a
/// returned value was, at one instant, the value stored with the requested key (never torn, never another
/// key's).</para>
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1710:Identifiers should have correct suffix", Justification = "Named after the kernel map it ports, BPF_MAP_TYPE_LRU_HASH, as HashMap is after BPF_MAP_TYPE_HASH.")]
public sealed partial class LruHashMap<TKey, TValue> : IReadOnlyCollection<KeyValuePair<TKey, TValue>>, IMapPrimitives<TKey, TValue>
    where TKey : unmanaged
    where TValue : unmanaged
{
    /// <summary>The largest capacity a map can have.</summary>
    public const int MaxCapacity = 1 << 30;

    private readonly HashTable<TKey, TValue> _table;
    private readonly HashTableReader<TKey, TValue> _reader; // the lookups read the table's arrays from here: one load less
    private readonly BpfLru<TKey, TValue> _lru;
    private readonly Node<TKey, TValue>[] _nodes;

    /// <summary>Creates the map with all of its nodes preallocated.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is outside its documented range.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="TKey"/>'s equality is not its bytes.</exception>
    public LruHashMap(LruHashMapOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.MaxEntries < 1 || options.MaxEntries > MaxCapacity)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxEntries, $"MaxEntries must be between 1 and {MaxCapacity}.");
        }

        BytewiseKey<TKey>.Validate($"LruHashMap<{typeof(TKey).Name}, {typeof(TValue).Name}>");
        Cpu.ValidatePossibleCpus(options.PossibleCpus, nameof(options));
        if (!Enum.IsDefined(options.Flavor))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Flavor, "Unknown LRU flavor.");
        }

        if (!Enum.IsDefined(options.FreeTarget))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.FreeTarget, "Unknown free-target policy.");
        }

        Flavor = options.Flavor;
        PossibleCpus = options.PossibleCpus;
        int capacity = options.MaxEntries;
        if (Flavor == LruFlavor.PerCpu)
        {
            // htab_map_alloc: round up to a multiple of the CPU count (down if that would pass the limit).
            long roundedUp = ((long)capacity + PossibleCpus - 1) / PossibleCpus * PossibleCpus;
            capacity = (int)(roundedUp <= MaxCapacity ? roundedUp : capacity / PossibleCpus * PossibleCpus);
            if (capacity == 0)
            {
                throw new ArgumentOutOfRangeException(nameof(options), options.MaxEntries, "The per-CPU flavor needs at least one entry per CPU.");
            }
        }

        int targetFree = options.FreeTarget == FreeTargetPolicy.Classic
            ? BpfLru<TKey, TValue>.LocalFreeTarget
            : Math.Clamp(options.MaxEntries / PossibleCpus / 2, 1, BpfLru<TKey, TValue>.LocalFreeTarget);
        _table = new HashTable<TKey, TValue>(capacity, BpfLru<TKey, TValue>.SentinelCount(Flavor, PossibleCpus), options.HashSeed);
        _nodes = _table.Nodes;
        _reader = _table.Reader;
        _lru = new BpfLru<TKey, TValue>(_table, Flavor, PossibleCpus, targetFree, options.StealBeforeShrink);
        PerfKitCounters.Register(this, _lru.CounterCell);
    }

    /// <summary>Entries evicted, exact for a map one thread uses (see <see cref="BpfLru{TKey, TValue}.EvictedUnsynchronized"/>).</summary>
    internal long EvictedUnsynchronized => _lru.EvictedUnsynchronized;

    /// <summary>The longest bucket chain (quiescent only; tests).</summary>
    internal int LongestChain => _table.LongestChain();

    /// <summary>The LRU flavor.</summary>
    public LruFlavor Flavor { get; }

    /// <summary>The number of CPUs the map keeps per-CPU lists for.</summary>
    public int PossibleCpus { get; }

    /// <summary>Effective maximum number of entries (the per-CPU flavor rounds MaxEntries up to a multiple of PossibleCpus).</summary>
    public int Capacity => _table.Capacity;

    /// <summary>Live entries. Exact when no update is in flight.</summary>
    public int Count => _lru.LiveCount;

    /// <summary>Nodes a common-flavor refill moves to a CPU's local free list (the kernel's target_free).</summary>
    public int TargetFree => _lru.TargetFree;

    /// <summary>Counters of the LRU's slow paths since the map was created.</summary>
    public LruStatistics Statistics => _lru.Statistics;

    /// <summary>
    /// Creates or replaces the entry for <paramref name="key"/> (<c>htab_lru_map_update_elem</c>). A node is taken
    /// from the LRU first, which may evict entries (possibly <paramref name="key"/> itself); the replacing node
    /// gets the reference bit; a failed update returns its node.
    /// </summary>
    /// <returns>
    /// <see cref="MapResult.Ok"/>; <see cref="MapResult.KeyExists"/> or <see cref="MapResult.KeyNotFound"/> when the
    /// flags forbid the update; <see cref="MapResult.InvalidFlags"/>; <see cref="MapResult.NoFreeNode"/> when no node
    /// could be found.
    /// </returns>
    public MapResult Update(in TKey key, in TValue value, UpdateFlags flags = UpdateFlags.Any)
    {
        if ((uint)flags > (uint)UpdateFlags.Exist)
        {
            return MapResult.InvalidFlags;
        }

        return UpdateHashed(key, _reader.HashOf(key), value, flags);
    }

    // A hook-path member: inlined by policy (see AggressiveInlining in the README's "Build rules").
    /// <summary>
    /// Writes <paramref name="value"/> for <paramref name="key"/> only if the key is absent or holds a different
    /// value (compared by bytes): the lookup-then-update of Cilium's <c>sock_update_revnat</c>, with the key hashed
    /// once. The lookup sets the reference bit as <see cref="TryLookup"/> does; the write is an <see cref="Update"/>
    /// with <see cref="UpdateFlags.Any"/>, so it takes a node and may evict.
    /// </summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value the entry should have.</param>
    /// <param name="written">Whether an update was made (false when the entry already held <paramref name="value"/>).</param>
    /// <returns><see cref="MapResult.Ok"/>, or <see cref="MapResult.NoFreeNode"/> when a needed update found no node.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public MapResult UpdateIfChanged(in TKey key, in TValue value, out bool written)
    {
        uint hash = _reader.HashOf(key);
        if (!Unsafe.IsNullRef(ref LookupAsProgram(key, hash, out TValue current)) && KeyOps<TValue>.Equal(current, value))
        {
            written = false;
            return MapResult.Ok;
        }

        MapResult result = UpdateHashed(key, hash, value, UpdateFlags.Any);
        written = result == MapResult.Ok;
        return result;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private MapResult UpdateHashed(in TKey key, uint hash, in TValue value, UpdateFlags flags)
    {
        int fresh = _lru.PopFree();
        if (fresh < 0)
        {
            return MapResult.NoFreeNode;
        }

        _table.WriteEntry(fresh, hash, key, value);
        int bucket = _table.BucketOf(hash);
        _table.LockBucket(bucket);
        int old = _table.FindLocked(key, hash);
        MapResult result = old >= 0 && flags == UpdateFlags.NoExist ? MapResult.KeyExists
            : old < 0 && flags == UpdateFlags.Exist ? MapResult.KeyNotFound
            : MapResult.Ok;
        if (result == MapResult.Ok)
        {
            // New node at the head, so that a concurrent lookup finds it before the old one.
            _table.LinkHead(fresh, bucket);
            if (old >= 0)
            {
                BpfLru<TKey, TValue>.SetRef(ref _nodes[fresh]);
                _table.Unlink(old, bucket);
            }
        }

        _table.UnlockBucket(bucket);
        if (result != MapResult.Ok)
        {
            _lru.PushFree(fresh);
        }
        else if (old >= 0)
        {
            _lru.PushFree(old);
        }

        return result;
    }

    /// <summary>Looks up <paramref name="key"/> as a BPF program does: without a lock, and sets the entry's reference bit (if clear).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryLookup(in TKey key, out TValue value) => !Unsafe.IsNullRef(ref LookupAsProgram(key, _reader.HashOf(key), out value));

    /// <summary>Looks up <paramref name="key"/> as user space does (a syscall lookup): without a lock, leaves the reference bit alone.</summary>
    public bool TryPeek(in TKey key, out TValue value)
    {
        bool found = !Unsafe.IsNullRef(ref _reader.FindLockFree(key, out value));
        PerfKitCounters.CountLookup(found);
        return found;
    }

    /// <summary>
    /// Writes <paramref name="value"/> into the existing entry for <paramref name="key"/> in place, as a program
    /// writes through the pointer its lookup returned (Cilium's affinity refresh): no node is taken, nothing is
    /// evicted, and the reference bit is set as by the lookup. Readers never see a torn value.
    /// </summary>
    /// <returns>False if the key is not in the map.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryWrite(in TKey key, in TValue value)
    {
        uint hash = _reader.HashOf(key);
        int bucket = _table.BucketOf(hash);
        _table.LockBucket(bucket);
        int n = _table.FindLocked(key, hash);
        if (n >= 0)
        {
            _table.WriteValue(n, value);
            BpfLru<TKey, TValue>.SetRef(ref _nodes[n]);
        }

        _table.UnlockBucket(bucket);
        return n >= 0;
    }

    /// <summary>Deletes <paramref name="key"/> (<c>htab_lru_map_delete_elem</c>); its node returns to its owner CPU's local free list if still pending, else to the free list.</summary>
    /// <returns><see cref="MapResult.Ok"/> or <see cref="MapResult.KeyNotFound"/>.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public MapResult Delete(in TKey key) => LookupAndDelete(key, out _);

    /// <summary>Deletes <paramref name="key"/> and returns the value it had, atomically.</summary>
    /// <returns><see cref="MapResult.Ok"/> or <see cref="MapResult.KeyNotFound"/>.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public MapResult LookupAndDelete(in TKey key, out TValue value)
    {
        int n = _table.RemoveKey(key, out value);
        if (n < 0)
        {
            return MapResult.KeyNotFound;
        }

        _lru.PushFree(n);
        return MapResult.Ok;
    }

    /// <summary>
    /// Enumerates the live entries bucket by bucket, like walking the map with get_next_key: each bucket is copied
    /// under its lock, so an entry is yielded at most once and every entry present for the whole walk is yielded.
    /// Does not touch reference bits. Safe while other threads mutate the map.
    /// </summary>
    public IEnumerator<KeyValuePair<TKey, TValue>> GetEnumerator() => _table.Enumerate().GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>
    /// Checks the map's internal consistency (every node in exactly one list, live + free = capacity, no key twice,
    /// well-formed chains and lists, counts). Call only while no other thread is operating on the map.
    /// </summary>
    public MapAudit Audit()
    {
        var problems = new List<string>();
        LruMembership listOf = _lru.Audit(problems);
        bool[] linked = _table.AuditChains(Count, problems);
        int live = 0, free = 0;
        for (int n = 0; n < Capacity; n++)
        {
            if (!listOf.Seen(n))
            {
                problems.Add($"node {n} is on no list");
                continue;
            }

            bool onFreeList = listOf.OnFreeList(n);
            if (linked[n])
            {
                live++;
                if (onFreeList)
                {
                    problems.Add($"node {n} is linked in the table but sits on a free list");
                }
            }
            else if (onFreeList)
            {
                free++;
            }
            else
            {
                problems.Add($"node {n} is neither linked nor free (list type {listOf.ListOf(n)}): lost");
            }
        }

        return MapAudit.Of(live, free, Capacity, problems);
    }

    // A BPF program's lookup: counted (a static branch unless someone polls the counters), and the entry found gets
    // its reference bit. Returns the node, or a null reference if the key is absent.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref Node<TKey, TValue> LookupAsProgram(in TKey key, uint hash, out TValue value)
    {
        // Two constant-argument counts, not one with a computed flag: such a flag stays live across the counting
        // call, and the JIT keeps it on the stack, which every hit pays for.
        ref Node<TKey, TValue> node = ref _reader.FindLockFree(key, hash, out value);
        if (Unsafe.IsNullRef(ref node))
        {
            PerfKitCounters.CountLookup(hit: false);
        }
        else
        {
            PerfKitCounters.CountLookup(hit: true);
            BpfLru<TKey, TValue>.SetRef(ref node);
        }

        return ref node;
    }
}
