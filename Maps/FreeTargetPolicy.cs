namespace PerfKit.Maps;

/// <summary>How many free nodes a CPU takes from the global list per refill (common flavor).</summary>
public enum FreeTargetPolicy
{
    /// <summary>
    /// <c>clamp(MaxEntries / PossibleCpus / 2, 1, 128)</c>: the kernel since June 2025 ("bpf: Adjust free target
    /// to avoid global starvation of LRU map"). All CPUs' caches together hold at most half the map.
    /// </summary>
    Adaptive = 0,

    /// <summary>Always 128 (LOCAL_FREE_TARGET): the kernel before June 2025.</summary>
    Classic = 1,
}
