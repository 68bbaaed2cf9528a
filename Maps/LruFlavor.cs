namespace PerfKit.Maps;

/// <summary>Which LRU list design a <see cref="LruHashMap{TKey, TValue}"/> uses.</summary>
public enum LruFlavor
{
    /// <summary>
    /// One global LRU list (active, inactive, free) plus per-CPU local free and pending lists, refilled in batches
    /// of the free target; CPUs steal from each other when the global list has nothing left.
    /// </summary>
    Common = 0,

    /// <summary>
    /// One LRU list per CPU (BPF_F_NO_COMMON_LRU): each CPU owns Capacity / PossibleCpus nodes, rotates on every
    /// allocation and evicts up to 4 at a time; nodes never move between CPUs.
    /// </summary>
    PerCpu = 1,
}
