namespace PerfKit.Maps.Planning;

/// <summary>How the LRU map replaying a workload is set up: a flavor and the options that change when it evicts.</summary>
/// <param name="Name">A short name for tables and plots.</param>
/// <param name="Flavor">The LRU flavor.</param>
/// <param name="FreeTarget">The common flavor's refill batch policy.</param>
/// <param name="StealBeforeShrink">Beyond the kernel: steal other CPUs' free nodes before evicting.</param>
/// <param name="UpdateExistingInPlace">Beyond the kernel: an update of a present key writes it in place without taking a node (what in-flight kernel patches propose).</param>
public sealed record PlanConfiguration(string Name, LruFlavor Flavor, FreeTargetPolicy FreeTarget, bool StealBeforeShrink = false, bool UpdateExistingInPlace = false)
{
    /// <summary>The kernel's common LRU since the 2025 free-target change.</summary>
    public static PlanConfiguration CommonAdaptive { get; } = new("common, adaptive target", LruFlavor.Common, FreeTargetPolicy.Adaptive);

    /// <summary>The kernel's common LRU before it: refills of 128 nodes whatever the size.</summary>
    public static PlanConfiguration CommonClassic { get; } = new("common, classic target", LruFlavor.Common, FreeTargetPolicy.Classic);

    /// <summary>BPF_F_NO_COMMON_LRU: one LRU per CPU, each a CPU's share of the entries.</summary>
    public static PlanConfiguration PerCpu { get; } = new("per-CPU", LruFlavor.PerCpu, FreeTargetPolicy.Adaptive);

    /// <summary>The common LRU with <see cref="LruHashMapOptions.StealBeforeShrink"/>.</summary>
    public static PlanConfiguration StealFirst { get; } = new("common, steal before shrink", LruFlavor.Common, FreeTargetPolicy.Adaptive, StealBeforeShrink: true);

    /// <summary>The common LRU, updates of present keys in place.</summary>
    public static PlanConfiguration InPlaceUpdates { get; } = new("common, in-place updates", LruFlavor.Common, FreeTargetPolicy.Adaptive, UpdateExistingInPlace: true);

    /// <summary>Every configuration, in report order.</summary>
    public static IReadOnlyList<PlanConfiguration> All { get; } = [CommonAdaptive, CommonClassic, PerCpu, StealFirst, InPlaceUpdates];
}
