using PerfKit.Maps;

namespace PerfKit.Hooks;

/// <summary>Sizes and knobs of a <see cref="SocketLoadBalancer"/>; the defaults are Cilium's.</summary>
public sealed class LoadBalancerOptions
{
    /// <summary>Services map entries (a frontend takes 1 + its backend count). Cilium: 65536.</summary>
    public int ServiceMapSize { get; init; } = 65_536;

    /// <summary>Backend map entries. Cilium: 65536.</summary>
    public int BackendMapSize { get; init; } = 65_536;

    /// <summary>Session-affinity LRU entries. Cilium: 65536.</summary>
    public int AffinityMapSize { get; init; } = 65_536;

    /// <summary>Affinity-match set entries. Cilium: 65536.</summary>
    public int AffinityMatchMapSize { get; init; } = 65_536;

    /// <summary>Socket reverse-NAT LRU entries. Cilium: 262144.</summary>
    public int ReverseNatMapSize { get; init; } = 262_144;

    /// <summary>Node address (ipcache) entries.</summary>
    public int NodeAddressMapSize { get; init; } = 4_096;

    /// <summary>Lowest NodePort port (default 30000).</summary>
    public ushort NodePortMin { get; init; } = 30_000;

    /// <summary>Highest NodePort port (default 32767).</summary>
    public ushort NodePortMax { get; init; } = 32_767;

    /// <summary>The clock affinity timestamps come from; inject a fake one to make timeouts exact in tests.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>CPUs the maps keep per-CPU state for.</summary>
    public int PossibleCpus { get; init; } = Environment.ProcessorCount;

    /// <summary>Flavor of the two LRU maps (Cilium uses the common LRU by default).</summary>
    public LruFlavor LruFlavor { get; init; } = LruFlavor.Common;

    /// <summary>
    /// Beyond Cilium and the kernel: the two LRU maps steal free nodes from other CPUs before they evict
    /// (<see cref="LruHashMapOptions.StealBeforeShrink"/>). Off by default.
    /// </summary>
    public bool StealBeforeShrink { get; init; }

    /// <summary>Hash seed of every map; null for random seeds.</summary>
    public ulong? HashSeed { get; init; }

    internal void Validate()
    {
        foreach ((int size, string name) in new[]
        {
            (ServiceMapSize, nameof(ServiceMapSize)), (BackendMapSize, nameof(BackendMapSize)), (AffinityMapSize, nameof(AffinityMapSize)),
            (AffinityMatchMapSize, nameof(AffinityMatchMapSize)), (ReverseNatMapSize, nameof(ReverseNatMapSize)), (NodeAddressMapSize, nameof(NodeAddressMapSize)),
        })
        {
            if (size < 1 || size > LruHashMap<int, int>.MaxCapacity)
            {
                throw new ArgumentOutOfRangeException(name, size, $"{name} must be between 1 and {LruHashMap<int, int>.MaxCapacity}.");
            }
        }

        if (NodePortMin == 0 || NodePortMin > NodePortMax)
        {
            throw new ArgumentOutOfRangeException(nameof(NodePortMin), NodePortMin, $"The NodePort range {NodePortMin}-{NodePortMax} is empty or starts at 0.");
        }

        ArgumentNullException.ThrowIfNull(Time, nameof(Time));
    }
}
