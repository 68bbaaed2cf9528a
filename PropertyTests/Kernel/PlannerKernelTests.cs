using PerfKit.Conformance;
using PerfKit.Kernel;
using PerfKit.Maps;
using PerfKit.Maps.Planning;

namespace PerfKit.PropertyTests.Kernel;

/// <summary>
/// The planner's prediction at this machine's CPU count is what the running kernel does: its hit and eviction counts
/// equal those of the same operation stream replayed step by step, and the kernel agrees with that replay on every
/// step (each lookup's hit or miss, each update's result, the final key set).
/// </summary>
[Collection(LiveKernelTests.Name)]
public sealed class PlannerKernelTests
{
    [Theory]
    [InlineData(KernelMapKind.LruCommon)]
    [InlineData(KernelMapKind.LruPerCpu)]
    public void PlannerCounts_AreTheKernels(KernelMapKind kind)
    {
        LiveKernel.Require();
        int cpus = ConformanceRunner.Cpus.Count;
        if (!ConformanceRunner.Cpus.SequenceEqual(Enumerable.Range(0, cpus)) || KernelCpus.PossibleCount != cpus)
        {
            Assert.Skip($"not run: the online CPUs ({string.Join(", ", ConformanceRunner.Cpus)}) are not all {KernelCpus.PossibleCount} possible ones in order");
        }

        const int MaxEntries = 256;
        PlanWorkload workload = PlanWorkload.Zipf(steps: 6000, keySpace: 1500, skew: 0.9, seed: 3);
        PlanConfiguration configuration = kind == KernelMapKind.LruPerCpu ? PlanConfiguration.PerCpu : PlanConfiguration.CommonAdaptive;
        PlanResult predicted = LruPlanner.Replay(workload, configuration, cpus, MaxEntries, CpuRule.RoundRobin);
        Assert.True(predicted.Evictions > 0, "the workload must make the map evict");

        // The same stream step by step, as kernel operations: a program lookup, and on a miss an update.
        var map = new LruHashMap<ulong, ulong>(new LruHashMapOptions
        {
            MaxEntries = MaxEntries, PossibleCpus = cpus, Flavor = configuration.Flavor, FreeTarget = configuration.FreeTarget,
        });
        var operations = new List<MapOperation>();
        long hits = 0;
        for (int i = 0; i < workload.Length; i++)
        {
            int cpu = i % cpus;
            ulong key = (ulong)workload.Keys[i];
            using CpuPin pin = Cpu.Pin(cpu);
            operations.Add(new MapOperation(MapOperationKind.ProgramLookup, cpu, key));
            if (map.TryLookup(key, out _))
            {
                hits++;
            }
            else
            {
                map.Update(key, (ulong)i);
                operations.Add(new MapOperation(MapOperationKind.Update, cpu, key, (ulong)i));
            }
        }

        operations.Add(new MapOperation(MapOperationKind.Dump, 0, 0));
        Assert.Equal(predicted.Hits, hits);
        Assert.Equal(predicted.Evictions, map.Statistics.Evictions);

        Divergence? divergence = ConformanceRunner.Run(new ConformanceCase(kind, MaxEntries, 1500, operations), configuration.FreeTarget);
        Assert.True(divergence is null, divergence?.ToString());
    }
}
