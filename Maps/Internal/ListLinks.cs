namespace PerfKit.Maps.Internal;

/// <summary>
/// A node's links in a circular LRU list (the <c>list_head</c> of the kernel's <c>bpf_lru_node</c>), kept in an
/// array beside the nodes and indexed alike, so that list moves do not write the cache lines lookups read.
/// </summary>
internal struct ListLinks
{
    /// <summary>The previous node (towards the head).</summary>
    public int Prev;

    /// <summary>The next node (towards the tail).</summary>
    public int Next;
}
