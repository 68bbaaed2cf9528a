using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace PerfKit.Maps.Internal;

/// <summary>
/// The hash-table half of the kernel's preallocated hash maps (hashtab.c): power-of-two buckets, each a spin lock
/// and a chain ending in a nulls marker that names the bucket; lookups without locks; writers under the bucket lock.
/// Shared by <see cref="LruHashMap{TKey, TValue}"/> and <see cref="HashMap{TKey, TValue}"/>.
/// </summary>
/// <remarks>
/// <para><b>Lock-free lookups and recycled nodes.</b> Nodes are recycled the moment they are unlinked, with no
/// grace period, so a reader can be standing on a node that is unlinked and relinked into another bucket. It then
/// walks that bucket's chain and ends on a nulls marker that is not its own; it restarts from its bucket's head
/// (<c>hlist_nulls</c>, "bpf: convert htab map to hlist_nulls").</para>
/// <para><b>No torn or foreign values.</b> Every write of a node's key and value is bracketed by its sequence
/// counter (odd while writing). A reader takes the counter (waiting while it is odd: the node may be a live key
/// being rewritten in place, which must still be found), compares hash and key, copies the value, and re-reads
/// the counter; if it changed, the node was rewritten under it and the lookup restarts. So a returned value was,
/// at one instant, the value stored with the key the reader asked for. Lookups take no lock, but one that meets a
/// writer inside a node waits for it, as a seqlock reader does.</para>
/// <para><b>Lock order</b> (the whole map): a CPU's local LRU lock, then the global LRU lock, then one bucket lock.
/// No two local locks and no two bucket locks are ever held at once, and no LRU lock is taken while a bucket
/// lock is held.</para>
/// </remarks>
internal sealed class HashTable<TKey, TValue>
    where TKey : unmanaged
    where TValue : unmanaged
{
    private readonly Bucket[] _buckets;

    /// <summary>Allocates every node and bucket up front.</summary>
    /// <param name="capacity">The entries the table holds (the nodes the LRU hands out).</param>
    /// <param name="sentinelNodes">Extra nodes after the entries, which the LRU uses as its lists' heads.</param>
    /// <param name="seed">The hash seed, or null for a random one (the kernel's hashrnd).</param>
    public HashTable(int capacity, int sentinelNodes, ulong? seed)
    {
        Capacity = capacity;
        Nodes = new Node<TKey, TValue>[capacity + sentinelNodes];
        int buckets = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(capacity, 2)); // ≥ 2: a shift by 32 would be a shift by 0
        _buckets = new Bucket[buckets];
        for (int b = 0; b < buckets; b++)
        {
            _buckets[b].Head = NullsMarker(b);
        }

        for (int n = 0; n < capacity; n++)
        {
            Nodes[n].HashNext = NullsMarker(0); // never linked yet; a reader cannot reach it
        }

        int bucketBits = BitOperations.Log2((uint)buckets);
        var hashSeed = new HashSeed(seed ?? BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(sizeof(ulong))), bucketBits);
        Reader = new HashTableReader<TKey, TValue>(_buckets, Nodes, hashSeed, 32 - bucketBits);
    }

    /// <summary>The lock-free lookup over this table, for a map to keep in a field of its own; it also holds the seed and bucket shift the writers hash with.</summary>
    public readonly HashTableReader<TKey, TValue> Reader; // a field: the writers hash through it without copying it

    /// <summary>Every node: <see cref="Capacity"/> elements followed by the LRU's list-head sentinels.</summary>
    public Node<TKey, TValue>[] Nodes { get; }

    /// <summary>Number of element nodes.</summary>
    public int Capacity { get; }

    /// <summary>The bucket of a hash (see <see cref="HashTableReader{TKey, TValue}.BucketOf"/>).</summary>
    public int BucketOf(uint hash) => Reader.BucketOf(hash);

    // A hook-path member: inlined by policy (see AggressiveInlining in the README's "Build rules").
    /// <summary>Finds <paramref name="key"/> in its bucket while the caller holds that bucket's lock. Returns the node's index, or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int FindLocked(in TKey key, uint hash)
    {
        int n = _buckets[BucketOf(hash)].Head;
        while (n >= 0)
        {
            ref Node<TKey, TValue> node = ref Nodes[n];
            if (node.Hash == hash && KeyOps<TKey>.Equal(node.Key, key))
            {
                return n;
            }

            n = node.HashNext;
        }

        return -1;
    }

    /// <summary>Writes a node's hash, key and value under its sequence counter. The node must not be linked.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteEntry(int n, uint hash, in TKey key, in TValue value)
    {
        ref Node<TKey, TValue> node = ref Nodes[n];
        BeginWrite(ref node);
        node.Hash = hash;
        node.Key = key;
        node.Value = value;
        EndWrite(ref node);
    }

    /// <summary>Rewrites a linked node's value in place under its sequence counter. Caller holds the bucket lock.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteValue(int n, in TValue value)
    {
        ref Node<TKey, TValue> node = ref Nodes[n];
        BeginWrite(ref node);
        node.Value = value;
        EndWrite(ref node);
    }

    /// <summary>Links node <paramref name="n"/> at the head of its bucket (hlist_nulls_add_head_rcu). Caller holds the bucket lock.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void LinkHead(int n, int bucket)
    {
        ref Bucket b = ref _buckets[bucket];
        Nodes[n].HashNext = b.Head;
        // Release: readers that find n see its key, value and chain link.
        Volatile.Write(ref b.Head, n);
    }

    /// <summary>Unlinks node <paramref name="n"/> (hlist_nulls_del_rcu). Its own link is kept so readers standing on it walk on. Caller holds the bucket lock.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Unlink(int n, int bucket)
    {
        ref Bucket b = ref _buckets[bucket];
        int next = Nodes[n].HashNext;
        if (b.Head == n)
        {
            // Release: a reader that loads the new head sees the successor's contents (published when it was linked).
            Volatile.Write(ref b.Head, next);
        }
        else
        {
            int p = b.Head;
            while (Nodes[p].HashNext != n)
            {
                p = Nodes[p].HashNext;
            }

            // Release, as for the head: readers passing p skip n; readers already on n walk on via its kept link.
            Volatile.Write(ref Nodes[p].HashNext, next);
        }
    }

    /// <summary>
    /// The eviction callback (<c>htab_lru_map_delete_node</c>): unlinks node <paramref name="n"/> if it is still in
    /// its bucket. False for a node that is not linked (popped but not yet inserted, or being replaced).
    /// </summary>
    public bool TryUnlinkNode(int n)
    {
        int bucket = BucketOf(Nodes[n].Hash);
        LockBucket(bucket);
        bool found = false;
        for (int p = _buckets[bucket].Head; p >= 0; p = Nodes[p].HashNext)
        {
            if (p == n)
            {
                Unlink(n, bucket);
                found = true;
                break;
            }
        }

        UnlockBucket(bucket);
        return found;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void LockBucket(int bucket) => _buckets[bucket].Lock.Enter(); // a raw spin lock, as the kernel's bucket lock

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void UnlockBucket(int bucket) => _buckets[bucket].Lock.Exit();

    /// <summary>
    /// Unlinks <paramref name="key"/> under its bucket lock and copies out its value (the lock-find-unlink of
    /// delete and lookup-and-delete). Returns the unlinked node, which the caller frees, or -1.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int RemoveKey(in TKey key, out TValue value)
    {
        uint hash = Reader.HashOf(key);
        int bucket = BucketOf(hash);
        LockBucket(bucket);
        int n = FindLocked(key, hash);
        if (n >= 0)
        {
            value = Nodes[n].Value;
            Unlink(n, bucket);
        }
        else
        {
            value = default;
        }

        UnlockBucket(bucket);
        return n;
    }

    /// <summary>
    /// The live entries, bucket by bucket, each bucket copied under its lock (like walking get_next_key): an entry
    /// is yielded at most once, and every entry present for the whole walk is yielded.
    /// </summary>
    public IEnumerable<KeyValuePair<TKey, TValue>> Enumerate()
    {
        var bucketEntries = new List<KeyValuePair<TKey, TValue>>();
        for (int b = 0; b < _buckets.Length; b++)
        {
            bucketEntries.Clear();
            SnapshotBucket(b, bucketEntries);
            foreach (KeyValuePair<TKey, TValue> entry in bucketEntries)
            {
                yield return entry;
            }
        }
    }

    /// <summary>Copies the bucket's entries into <paramref name="into"/> under its lock (one step of get_next_key walking).</summary>
    private void SnapshotBucket(int bucket, List<KeyValuePair<TKey, TValue>> into)
    {
        LockBucket(bucket);
        for (int n = _buckets[bucket].Head; n >= 0; n = Nodes[n].HashNext)
        {
            into.Add(new KeyValuePair<TKey, TValue>(Nodes[n].Key, Nodes[n].Value));
        }

        UnlockBucket(bucket);
    }

    /// <summary>The chain of a bucket as node indexes, and the marker that ended it (integrity checks; quiescent only).</summary>
    public (List<int> Chain, int End) ChainOf(int bucket)
    {
        var chain = new List<int>();
        int n = _buckets[bucket].Head;
        for (; n >= 0 && chain.Count <= Capacity; n = Nodes[n].HashNext)
        {
            chain.Add(n);
        }

        return (chain, n);
    }

    /// <summary>
    /// Checks every chain (quiescent only): it ends on its own bucket's marker, each node's hash selects the
    /// bucket, no node is linked twice, no key appears twice, no node is mid-write, and <paramref name="count"/> (the
    /// owner's count of live entries) matches. Returns which nodes are linked.
    /// </summary>
    public bool[] AuditChains(int count, List<string> problems)
    {
        var linked = new bool[Capacity];
        var keys = new HashSet<TKey>(KeyComparer.Instance);
        int total = 0;
        for (int b = 0; b < _buckets.Length; b++)
        {
            (List<int> chain, int end) = ChainOf(b);
            if (end != NullsMarker(b))
            {
                problems.Add($"bucket {b}'s chain ends on {end}, not its own nulls marker");
            }

            foreach (int n in chain)
            {
                if (n >= Capacity)
                {
                    problems.Add($"bucket {b} links sentinel node {n}");
                    continue;
                }

                if (linked[n])
                {
                    problems.Add($"node {n} is linked twice");
                }

                linked[n] = true;
                total++;
                if (BucketOf(Nodes[n].Hash) != b || Reader.HashOf(Nodes[n].Key) != Nodes[n].Hash)
                {
                    problems.Add($"node {n} in bucket {b} has a hash that does not match its key or bucket");
                }

                if ((Nodes[n].Seq & 1) != 0)
                {
                    problems.Add($"node {n} is left mid-write (odd sequence counter)");
                }

                if (!keys.Add(Nodes[n].Key))
                {
                    problems.Add($"a key is linked twice (node {n}, bucket {b})");
                }
            }
        }

        if (total != count)
        {
            problems.Add($"count says {count} but {total} nodes are linked");
        }

        return linked;
    }

    /// <summary>The longest bucket chain (quiescent only; for hash-flooding tests).</summary>
    public int LongestChain()
    {
        int longest = 0;
        for (int b = 0; b < _buckets.Length; b++)
        {
            longest = Math.Max(longest, ChainOf(b).Chain.Count);
        }

        return longest;
    }

    /// <summary>The bucket <paramref name="key"/> falls in under this table's seed.</summary>
    public int BucketOfKey(in TKey key) => BucketOf(Reader.HashOf(key));

    public static int NullsMarker(int bucket) => ~bucket;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void BeginWrite(ref Node<TKey, TValue> node)
    {
        Volatile.Write(ref node.Seq, node.Seq + 1); // odd: readers that see it wait, then restart
        // The odd counter must be visible before any byte of the key or value changes.
        Volatile.WriteBarrier();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void EndWrite(ref Node<TKey, TValue> node) =>
        Volatile.Write(ref node.Seq, node.Seq + 1); // release: even again, after the key and value

    private sealed class KeyComparer : IEqualityComparer<TKey>
    {
        public static readonly KeyComparer Instance = new();

        private static readonly HashSeed s_seed = new(0, 12);

        public bool Equals(TKey x, TKey y) => KeyOps<TKey>.Equal(x, y);

        public int GetHashCode(TKey obj) => (int)KeyOps<TKey>.Hash(obj, s_seed);
    }

}
