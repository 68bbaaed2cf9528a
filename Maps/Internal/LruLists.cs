namespace PerfKit.Maps.Internal;

/// <summary>
/// The kernel's <c>struct bpf_lru_list</c>: active, inactive and free lists (heads are sentinel nodes), the
/// active/inactive counts, the inactive-rotation cursor and the lock that guards all of them.
/// </summary>
internal sealed class LruList
{
    public RawSpinLock Lock; // mutable struct: used in place
    public readonly int ActiveHead;
    public readonly int InactiveHead;
    public readonly int FreeHead;
    public int ActiveCount;
    public int InactiveCount;

    /// <summary>Where the next inactive rotation starts (next_inactive_rotation); initially the inactive head.</summary>
    public int NextInactiveRotation;

    /// <summary>Nodes pushed back onto this (global) free list by deletes; beside the lock it is written under.</summary>
    public long PushedFree;

    // Keeps the per-CPU flavor's lists (allocated one after another) off each other's cache lines.
    private CacheLinePadding _padding;

    public LruList(int firstSentinel)
    {
        ActiveHead = firstSentinel;
        InactiveHead = firstSentinel + 1;
        FreeHead = firstSentinel + 2;
        NextInactiveRotation = InactiveHead;
    }

    public int HeadOf(byte type) => type switch
    {
        LruListType.Active => ActiveHead,
        LruListType.Inactive => InactiveHead,
        _ => FreeHead,
    };
}

/// <summary>
/// The kernel's <c>struct bpf_lru_locallist</c> (common flavor, one per CPU): the local free list, the pending
/// list of nodes handed out but not yet flushed to the global list, the round-robin steal cursor, and the lock.
/// </summary>
internal sealed class LocalList
{
    public RawSpinLock Lock; // mutable struct: used in place
    public readonly int FreeHead;
    public readonly int PendingHead;

    /// <summary>The CPU the next steal starts from (next_steal); initially this CPU. Read and written without the lock, as in the kernel.</summary>
    public int NextSteal;

    // Keeps neighbouring CPUs' lists (allocated one after another) off each other's cache lines.
    private CacheLinePadding _padding;

    public LocalList(int firstSentinel, int cpu)
    {
        FreeHead = firstSentinel;
        PendingHead = firstSentinel + 1;
        NextSteal = cpu;
    }
}
