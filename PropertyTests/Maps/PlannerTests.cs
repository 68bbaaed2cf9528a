using PerfKit.Maps;
using PerfKit.Maps.Planning;

namespace PerfKit.PropertyTests.Maps;

/// <summary>
/// The surprises people report about BPF LRU maps, reproduced by the planner with their numbers (deterministic: every
/// step pinned), and its size search. That the planner is what the kernel does is PlannerKernelTests'.
/// </summary>
public sealed class PlannerTests
{
    [Fact]
    public void ASmallMap_EvictsWithAHandfulOfEntries_UnderTheClassicTarget()
    {
        // 256 entries on 4 CPUs: each refill moves up to 128 nodes to one CPU's local list, so two CPUs' refills take
        // the whole map, and the next CPU to insert finds no free node: it shrinks the global LRU with a handful of
        // entries in it (6).
        PlanResult classic = LruPlanner.Replay(Scan(512), PlanConfiguration.CommonClassic, cpus: 4, maxEntries: 256, CpuRule.RoundRobin);
        PlanResult adaptive = LruPlanner.Replay(Scan(512), PlanConfiguration.CommonAdaptive, cpus: 4, maxEntries: 256, CpuRule.RoundRobin);
        Assert.Equal(6.0 / 256, classic.FirstEvictionFill);
        Assert.Equal(1.0, adaptive.FirstEvictionFill);
        Assert.Equal(380, classic.Evictions);
        Assert.Equal(256, adaptive.Evictions);
    }

    [Fact]
    public void ManyCpus_StarveTheClassicTarget_AndNotTheAdaptiveOne()
    {
        // 10,000 entries on 256 CPUs: refills of 128 drain the global free list into a few CPUs' local lists (the
        // starvation the 2025 free-target change fixed); steal-before-shrink never evicts while a free node exists.
        PlanResult classic = LruPlanner.Replay(Scan(20_000), PlanConfiguration.CommonClassic, cpus: 256, maxEntries: 10_000, CpuRule.RoundRobin);
        PlanResult adaptive = LruPlanner.Replay(Scan(20_000), PlanConfiguration.CommonAdaptive, cpus: 256, maxEntries: 10_000, CpuRule.RoundRobin);
        PlanResult steal = LruPlanner.Replay(Scan(20_000), PlanConfiguration.StealFirst, cpus: 256, maxEntries: 10_000, CpuRule.RoundRobin);
        Assert.Equal(0.0206, classic.FirstEvictionFill!.Value, precision: 4);
        Assert.Equal(0.9742, adaptive.FirstEvictionFill!.Value, precision: 4);
        Assert.Equal(1.0, steal.FirstEvictionFill);
        Assert.Equal(0, steal.PrematureEvictions);
    }

    [Fact]
    public void SmallestSize_MeetsTheTarget_AndOneLessDoesNot()
    {
        PlanWorkload zipf = PlanWorkload.Zipf(steps: 50_000, keySpace: 5_000, skew: 0.9, seed: 7);
        var target = new PlanTarget(MinHitRate: 0.6, NoPrematureEviction: false);
        (int size, PlanResult result) = LruPlanner.SmallestSize(zipf, PlanConfiguration.CommonAdaptive, cpus: 8, target, min: 1, max: 10_000)!.Value;
        Assert.True(result.HitRate >= 0.6);
        Assert.False(target.IsMetBy(LruPlanner.Replay(zipf, PlanConfiguration.CommonAdaptive, 8, size - 1)));
        Assert.Null(LruPlanner.SmallestSize(zipf, PlanConfiguration.CommonAdaptive, cpus: 8, new PlanTarget(0.99, false), min: 1, max: 1_000)); // a fifth of the keys cannot hit 99 %
    }

    [Fact]
    public void ConnectionTracking_DeletesEndedFlows_AndInPlaceUpdatesTakeNoNode()
    {
        PlanWorkload conntrack = PlanWorkload.ConnectionTracking(steps: 40_000, openFlows: 500, meanPackets: 20, seed: 5);
        Assert.Contains(PlanOperation.Delete, conntrack.Operations);
        PlanResult kernel = LruPlanner.Replay(conntrack, PlanConfiguration.CommonAdaptive, cpus: 8, maxEntries: 600);
        PlanResult inPlace = LruPlanner.Replay(conntrack, PlanConfiguration.InPlaceUpdates, cpus: 8, maxEntries: 600);
        Assert.True(inPlace.Evictions < kernel.Evictions, $"in place {inPlace.Evictions}, kernel order {kernel.Evictions}");
    }

    private static PlanWorkload Scan(int keys) => new("scan", [.. Enumerable.Range(0, keys).Select(i => (long)i)], new PlanOperation[keys]);
}
