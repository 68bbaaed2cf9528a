using PerfKit.Maps;

namespace PerfKit.PropertyTests.Maps;

/// <summary>Scenarios the kernel's selftests do not reach: active-list rotation, and the replayed numbers of the reference notes.</summary>
public sealed class LruRotationTests
{
    /// <summary>
    /// Referenced entries get a second chance on the active list; when inactive runs low, an active rotation
    /// demotes those not referenced since, and the next shrink evicts them before newer unreferenced entries.
    /// Map of 4, 1 CPU, target_free 2: k1,k2 inserted and referenced; k3 triggers a refill that flushes them to
    /// active and rotates them (unreferenced now) to inactive; k3,k4 follow; k5's refill evicts the inactive tail,
    /// which is k1,k2.
    /// </summary>
    [Fact]
    public void ActiveRotation_DemotesEntriesNotReferencedSinceTheirSecondChance()
    {
        using CpuPin pin = Cpu.Pin(0);
        var map = new LruHashMap<ulong, ulong>(new LruHashMapOptions { MaxEntries = 4, PossibleCpus = 1 });
        Assert.Equal(2, map.TargetFree);
        Assert.Equal(MapResult.Ok, map.Update(1, 10));
        Assert.Equal(MapResult.Ok, map.Update(2, 20));
        Assert.True(map.TryLookup(1, out _));
        Assert.True(map.TryLookup(2, out _));
        for (ulong k = 3; k <= 5; k++)
        {
            Assert.Equal(MapResult.Ok, map.Update(k, k * 10));
        }

        Assert.Equal([3UL, 4UL, 5UL], map.Select(e => e.Key).Order());
        Assert.Equal(2, map.Statistics.Evictions);
    }

    /// <summary>Reference §1.7 2d, replayed: 1 CPU, 1000 entries (target 128 either way): the 897th insert evicts 24 live keys.</summary>
    [Theory]
    [InlineData(FreeTargetPolicy.Adaptive)]
    [InlineData(FreeTargetPolicy.Classic)]
    public void OneCpuThousandEntries_The897thInsertEvicts24(FreeTargetPolicy policy)
    {
        using CpuPin pin = Cpu.Pin(0);
        var map = new LruHashMap<ulong, ulong>(new LruHashMapOptions { MaxEntries = 1000, PossibleCpus = 1, FreeTarget = policy });
        for (ulong k = 1; k <= 896; k++)
        {
            Assert.Equal(MapResult.Ok, map.Update(k, k));
        }

        Assert.Equal(0, map.Statistics.Evictions);
        Assert.Equal(MapResult.Ok, map.Update(897, 897));
        Assert.Equal(24, map.Statistics.Evictions);
        Assert.Equal(897 - 24, map.Count);
    }

    /// <summary>Reference §1.13, replayed: 4 CPUs, 1000 entries, target 125: no eviction until the 1001st insert, which evicts 125.</summary>
    [Fact]
    public void FourCpusThousandEntries_FirstEvictionAt1001_Evicts125()
    {
        using CpuPin pin = Cpu.Pin(0);
        var map = new LruHashMap<ulong, ulong>(new LruHashMapOptions { MaxEntries = 1000, PossibleCpus = 4 });
        Assert.Equal(125, map.TargetFree);
        for (ulong k = 1; k <= 1000; k++)
        {
            Assert.Equal(MapResult.Ok, map.Update(k, k));
        }

        Assert.Equal(0, map.Statistics.Evictions);
        Assert.Equal(MapResult.Ok, map.Update(1001, 1001));
        Assert.Equal(125, map.Statistics.Evictions);
        Assert.Equal(876, map.Count);
    }

    /// <summary>Reference §1.13, replayed: a per-CPU map of 32 entries on 4 CPUs held 7 keys after 19 inserts from one CPU.</summary>
    [Fact]
    public void PerCpuMap_OneCpuSeesItsShareOnly_SevenAfterNineteenInserts()
    {
        using CpuPin pin = Cpu.Pin(0);
        var map = new LruHashMap<ulong, ulong>(new LruHashMapOptions { MaxEntries = 32, PossibleCpus = 4, Flavor = LruFlavor.PerCpu });
        for (ulong k = 1; k <= 19; k++)
        {
            Assert.Equal(MapResult.Ok, map.Update(k, k));
            Assert.InRange(map.Count, 1, 8);
        }

        Assert.Equal(7, map.Count);
    }

    /// <summary>
    /// Reference §1.13, replayed: the pre-2025 starvation. 80 CPUs, 10,000 entries, CPUs 0–78 insert once each;
    /// then CPU 79 recycles its own previous key on every insert while other CPUs' caches hold 9,920 free nodes.
    /// With the adaptive target the same run grows normally.
    /// </summary>
    [Theory]
    [InlineData(FreeTargetPolicy.Classic, 80)]
    [InlineData(FreeTargetPolicy.Adaptive, 179)]
    public void EightyCpus_Starvation_OnlyWithClassicTarget(FreeTargetPolicy policy, int liveAfter)
    {
        var map = new LruHashMap<ulong, ulong>(new LruHashMapOptions { MaxEntries = 10_000, PossibleCpus = 80, FreeTarget = policy });
        ulong key = 0;
        for (int cpu = 0; cpu < 79; cpu++)
        {
            using CpuPin pin = Cpu.Pin(cpu);
            Assert.Equal(MapResult.Ok, map.Update(++key, key));
        }

        using (Cpu.Pin(79))
        {
            for (int i = 0; i < 100; i++)
            {
                Assert.Equal(MapResult.Ok, map.Update(++key, key));
            }
        }

        Assert.Equal(liveAfter, map.Count);
        Assert.True(map.Audit().IsConsistent);
    }
}
