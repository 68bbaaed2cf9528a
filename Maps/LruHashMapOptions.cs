namespace PerfKit.Maps;

/// <summary>How to build a <see cref="LruHashMap{TKey, TValue}"/> (the kernel's map attributes).</summary>
public sealed class LruHashMapOptions
{
    /// <summary>Upper bound on live entries, from 1 to <see cref="LruHashMap{TKey, TValue}.MaxCapacity"/>. The per-CPU flavor rounds it up to a multiple of <see cref="PossibleCpus"/>.</summary>
    public required int MaxEntries { get; init; }

    /// <summary>Common LRU (default) or per-CPU LRU lists (BPF_F_NO_COMMON_LRU).</summary>
    public LruFlavor Flavor { get; init; } = LruFlavor.Common;

    /// <summary>Number of CPUs the map keeps per-CPU state for; the current CPU is <c>Cpu.Current % PossibleCpus</c>.</summary>
    public int PossibleCpus { get; init; } = Environment.ProcessorCount;

    /// <summary>Refill batch size policy for the common flavor.</summary>
    public FreeTargetPolicy FreeTarget { get; init; } = FreeTargetPolicy.Adaptive;

    /// <summary>
    /// Beyond the kernel (common flavor only): when the global free list cannot fill a refill, steal free nodes
    /// from other CPUs' local free lists before shrinking (evicting from) the global LRU, so that no live entry is
    /// evicted while free nodes sit in other CPUs' caches. Off by default (the kernel's order).
    /// </summary>
    public bool StealBeforeShrink { get; init; }

    /// <summary>
    /// The hash seed. Null (default): a random seed per map, like the kernel's <c>hashrnd</c>, so keys chosen to
    /// collide in one map do not collide in another. A fixed value gives reproducible bucket placement
    /// (like BPF_F_ZERO_SEED) and gives up that protection.
    /// </summary>
    public ulong? HashSeed { get; init; }
}
