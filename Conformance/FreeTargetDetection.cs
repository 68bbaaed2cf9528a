using PerfKit.Kernel;
using PerfKit.Maps;

namespace PerfKit.Conformance;

/// <summary>
/// Which <see cref="FreeTargetPolicy"/> reproduces the running kernel, found from its behaviour rather than its
/// version string (distributions backport): a common-flavor LRU map of 8 entries per CPU, where the adaptive
/// target (4 nodes a refill) and the classic one (128) evict different keys, is filled past its capacity on one
/// CPU and then on another, in the kernel and in PerfKit under each policy; the policy whose every step agrees is
/// the kernel's.
/// </summary>
public static class FreeTargetDetection
{
    /// <summary>The case that tells the policies apart on <paramref name="cpuCount"/> CPUs.</summary>
    public static ConformanceCase DiscriminatingCase(int cpuCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(cpuCount);
        int capacity = 8 * cpuCount;
        return new ConformanceCase(KernelMapKind.LruCommon, capacity, (ulong)(100 * capacity),
        [
            new MapOperation(MapOperationKind.Fill, 0, 0, 1, Count: capacity + 1),
            new MapOperation(MapOperationKind.Dump, 0, 0),
            new MapOperation(MapOperationKind.Fill, cpuCount - 1, (ulong)(10 * capacity), 1, Count: capacity),
            new MapOperation(MapOperationKind.Dump, 0, 0),
        ]);
    }

    /// <summary>The policy whose runs agree with the running kernel at every step, or null when neither does (a divergence beyond the free target).</summary>
    /// <exception cref="BpfException">The kernel is not usable.</exception>
    public static FreeTargetPolicy? Detect()
    {
        ConformanceCase probe = DiscriminatingCase(ConformanceRunner.Cpus.Count);
        foreach (FreeTargetPolicy policy in Enum.GetValues<FreeTargetPolicy>())
        {
            if (ConformanceRunner.Run(probe, policy) is null)
            {
                return policy;
            }
        }

        return null;
    }
}
