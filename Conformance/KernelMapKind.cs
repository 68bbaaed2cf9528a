namespace PerfKit.Conformance;

/// <summary>The kernel map a conformance case runs against, and PerfKit's counterpart.</summary>
public enum KernelMapKind
{
    /// <summary>BPF_MAP_TYPE_LRU_HASH against <c>LruHashMap</c> with <c>LruFlavor.Common</c>.</summary>
    LruCommon,

    /// <summary>BPF_MAP_TYPE_LRU_HASH with BPF_F_NO_COMMON_LRU against <c>LruHashMap</c> with <c>LruFlavor.PerCpu</c>.</summary>
    LruPerCpu,

    /// <summary>BPF_MAP_TYPE_HASH against <c>HashMap</c>.</summary>
    Hash,
}
