using PerfKit.Maps.Planning;

namespace PerfKit.Samples;

internal static class PlannerSample
{
    public static void Run()
    {
        // <readme:planner>
        // A conntrack-like stream: 2,000 flows open at a time, 20 packets each on average.
        PlanWorkload flows = PlanWorkload.ConnectionTracking(steps: 200_000, openFlows: 2_000, meanPackets: 20);
        foreach (int cpus in new[] { 8, 64 })
        {
            // The smallest map in which 99.9 % of packets find their flow, flows steered to CPUs as RSS does.
            var answer = LruPlanner.SmallestSize(flows, PlanConfiguration.CommonAdaptive, cpus,
                new PlanTarget(MinHitRate: 0.999, NoPrematureEviction: false), min: 1, max: 100_000, CpuRule.ByFlow);
            Console.WriteLine($"{cpus} CPUs: max_entries {answer?.Size}, first eviction at {answer?.Result.FirstEvictionFill:P1} fill");
        }
        // </readme:planner>
        PlanResult small = LruPlanner.Replay(flows, PlanConfiguration.CommonAdaptive, 8, 1_000, CpuRule.ByFlow);
        Check.That(small.HitRate < 0.999, "planner");
    }
}
