namespace PerfKit.Maps.Internal;

/// <summary>
/// One preallocated element: the kernel's <c>htab_elem</c> with its embedded <c>bpf_lru_node</c>. The hash-table
/// part (chain link, hash, seqlock, key, value) and the small LRU fields (owning CPU, list type, reference bit)
/// share one struct so that a lookup touches one place; the LRU list links are kept apart.
/// </summary>
internal struct Node<TKey, TValue>
    where TKey : unmanaged
    where TValue : unmanaged
{
    // Only what a lookup reads (chain link, hash, sequence counter, reference bit, key, value), plus the list type
    // and owning CPU, which fit beside the reference bit: for 8-byte keys and values a node is 32 bytes. The LRU
    // list links live in their own array (ListLinks), so list moves do not write the lines that lookups on other
    // CPUs read. All fields are unmanaged, so the runtime keeps this sequential order.

    /// <summary>Next node in the bucket chain, or a nulls marker <c>~bucket</c> (negative) ending the chain.</summary>
    public int HashNext;

    /// <summary>The key's hash, written with the key.</summary>
    public uint Hash;

    /// <summary>Sequence counter: odd while the key/value are being written. See <see cref="HashTable{TKey, TValue}"/>.</summary>
    public int Seq;

    /// <summary>The reference bit: set (only if clear) by lookups, cleared by every list move.</summary>
    public byte Ref;

    /// <summary>Which list the node is on (<see cref="LruListType"/>).</summary>
    public byte Type;

    /// <summary>The CPU whose pending or free list holds the node (common), or that owns it (per-CPU flavor).</summary>
    public ushort Cpu;

    /// <summary>The key.</summary>
    public TKey Key;

    /// <summary>The value.</summary>
    public TValue Value;
}

/// <summary>The kernel's <c>enum bpf_lru_list_type</c>, plus a marker for list-head sentinels.</summary>
internal static class LruListType
{
    public const byte Active = 0;
    public const byte Inactive = 1;
    public const byte Free = 2;
    public const byte LocalFree = 3;
    public const byte LocalPending = 4;
    public const byte Sentinel = 255;

    public static bool IsLocal(byte type) => type is LocalFree or LocalPending;
}
