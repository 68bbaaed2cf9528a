namespace PerfKit.Bench.Kernel;

/// <summary>What each iteration of a baseline loop does with the key it reads from its stream.</summary>
public enum LoopWorkload
{
    /// <summary>Nothing: the loop and the key read alone, measured to be subtracted.</summary>
    Overhead,

    /// <summary>A program lookup (sets an LRU entry's reference bit).</summary>
    Lookup,

    /// <summary>An update with BPF_ANY (of a key that exists, in the update workload).</summary>
    Update,

    /// <summary>A lookup, and an update with BPF_ANY when it missed (get-or-add).</summary>
    LookupOrUpdate,
}
