using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace PerfKit.Maps.Internal;

/// <summary>
/// The lock-free lookup of a <see cref="HashTable{TKey, TValue}"/>: the arrays, seed and shift it reads, in a
/// readonly struct a map keeps in a field of its own, so a lookup loads them from the map it was called on instead
/// of through the table object (a load and a null check less per lookup, measured with MapLookupBenchmarks).
/// </summary>
internal readonly struct HashTableReader<TKey, TValue>
    where TKey : unmanaged
    where TValue : unmanaged
{
    private readonly Bucket[] _buckets;
    private readonly Node<TKey, TValue>[] _nodes;
    private readonly HashSeed _seed;
    private readonly int _bucketShift;

    public HashTableReader(Bucket[] buckets, Node<TKey, TValue>[] nodes, HashSeed seed, int bucketShift)
    {
        _buckets = buckets;
        _nodes = nodes;
        _seed = seed;
        _bucketShift = bucketShift;
    }

    /// <summary>
    /// Finds <paramref name="key"/> without taking a lock and copies its value. Returns the node, or a null
    /// reference if the key is absent.
    /// </summary>
    /// <remarks>
    /// Inlined into the lookups (measured with MapLookupBenchmarks), and unchecked: a bucket index is a hash's top
    /// bits, always inside the bucket array, and chain links hold only node indexes the table wrote
    /// (<see cref="HashTable{TKey, TValue}.AuditChains"/>).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref Node<TKey, TValue> FindLockFree(in TKey key, out TValue value) => ref FindLockFree(key, HashOf(key), out value);

    /// <summary>The key's hash under the table's seed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint HashOf(in TKey key) => KeyOps<TKey>.Hash(key, _seed);

    /// <summary>The bucket of a hash: its high bits (the low bits of a multiplicative hash are weak).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int BucketOf(uint hash) => (int)(hash >> _bucketShift);

    /// <summary>As <see cref="FindLockFree(in TKey, out TValue)"/>, with the key's hash already computed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref Node<TKey, TValue> FindLockFree(in TKey key, uint hash, out TValue value)
    {
        int bucket = BucketOf(hash);
        ref Bucket head = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_buckets), bucket);
        ref Node<TKey, TValue> nodes = ref MemoryMarshal.GetArrayDataReference(_nodes);
    Restart:
        // Acquire: a node published by Link is seen with its key, value and chain link.
        int n = Volatile.Read(ref head.Head);
        while (n >= 0)
        {
            ref Node<TKey, TValue> node = ref Unsafe.Add(ref nodes, n);
            // Acquire: the key and value read after it are no older than this count; odd means a writer is inside.
            int seq = Volatile.Read(ref node.Seq);
            if ((seq & 1) != 0)
            {
                // Wait the writer out rather than step past the node: it may be rewriting a live key's value in place,
                // and that key must still be found (ConcurrentMapSmokeTests catch a lookup that skips it). A recycled
                // node being refilled is handled the same way. The writer holds its bucket lock and runs straight-line
                // code, so this spins, as a kernel seqcount reader does; if the writer was preempted, until it runs
                // again. No call here, not even to yield: with any call in the loop the JIT keeps the loop's values on
                // the stack and reloads them on every hit.
                if (X86Base.IsSupported)
                {
                    X86Base.Pause();
                }
                else if (ArmBase.IsSupported)
                {
                    ArmBase.Yield();
                }

                goto Restart;
            }

            // 4- and 8-byte keys compare in one instruction, as cheaply as the stored hash: skip it (one load less).
            if ((Unsafe.SizeOf<TKey>() is sizeof(uint) or sizeof(ulong) || node.Hash == hash) && KeyOps<TKey>.Equal(node.Key, key))
            {
                value = node.Value;
                // The key compare and value copy must complete before the counter is re-read; otherwise a rewrite
                // of this node could slip between them unnoticed (free on x86, a load barrier on Arm).
                Volatile.ReadBarrier();
                if (Volatile.Read(ref node.Seq) == seq)
                {
                    return ref node;
                }

                goto Restart; // rewritten while read: it may hold another key now
            }

            // Acquire, as for the bucket head: a node linked or unlinked after this one is seen whole or not at all.
            n = Volatile.Read(ref node.HashNext);
        }

        if (n != HashTable<TKey, TValue>.NullsMarker(bucket))
        {
            goto Restart; // dragged onto another bucket's chain by a recycled node
        }

        value = default;
        return ref Unsafe.NullRef<Node<TKey, TValue>>();
    }
}
