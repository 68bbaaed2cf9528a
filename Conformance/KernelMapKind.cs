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

/// <summary>Creating the kernel's map of a <see cref="KernelMapKind"/>.</summary>
public static class KernelMapKinds
{
    /// <summary>Creates the kernel map of <paramref name="kind"/> with 8-byte keys and values.</summary>
    /// <exception cref="Kernel.BpfException">The kernel refused.</exception>
    public static Kernel.BpfMap CreateKernelMap(this KernelMapKind kind, int maxEntries, string name) => kind switch
    {
        KernelMapKind.LruCommon => Kernel.BpfMap.Create(Kernel.BpfMapType.LruHash, sizeof(ulong), sizeof(ulong), maxEntries, Kernel.BpfMapFlags.None, name),
        KernelMapKind.LruPerCpu => Kernel.BpfMap.Create(Kernel.BpfMapType.LruHash, sizeof(ulong), sizeof(ulong), maxEntries, Kernel.BpfMapFlags.NoCommonLru, name),
        _ => Kernel.BpfMap.Create(Kernel.BpfMapType.Hash, sizeof(ulong), sizeof(ulong), maxEntries, Kernel.BpfMapFlags.None, name),
    };
}
