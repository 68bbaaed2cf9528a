namespace PerfKit.Maps.Internal;

/// <summary>A hash bucket: the head of its chain (a node index, or the nulls marker naming the bucket) and its lock.</summary>
internal struct Bucket
{
    /// <summary>The first node of the chain, or <see cref="HashTable{TKey, TValue}.NullsMarker"/> of this bucket.</summary>
    public int Head;

    /// <summary>Taken by writers of this bucket's chain (a raw spin lock, as the kernel's bucket lock).</summary>
    public RawSpinLock Lock; // mutable struct: used in place
}
