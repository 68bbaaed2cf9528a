using PerfKit.Maps;

namespace PerfKit.PropertyTests.Maps;

/// <summary>
/// The kernel's tools/testing/selftests/bpf/test_lru_map.c scenarios test_lru_sanity0–8, for possible-CPU
/// counts 1, 2, 3, 4 and 8: the current text with the adaptive free target, the pre-2025 text with the classic
/// one. Each runs only for the flavors the kernel runs it on.
/// </summary>
public sealed class LruSelftests
{
    private static readonly int[] CpuCounts = [1, 2, 3, 4, 8];

    public static TheoryData<LruVariant> CommonVariants => Variants(LruFlavor.Common);

    public static TheoryData<LruVariant> PerCpuVariants => Variants(LruFlavor.PerCpu);

    public static TheoryData<LruVariant> AllVariants
    {
        get
        {
            var all = Variants(LruFlavor.Common);
            foreach (LruVariant v in Variants(LruFlavor.PerCpu))
            {
                all.Add(v);
            }

            return all;
        }
    }

    /// <summary>test_lru_sanity0: basic flags, a single eviction, lookup_and_delete.</summary>
    [Theory]
    [MemberData(nameof(AllVariants))]
    public void Sanity0_FlagsEvictionAndLookupAndDelete(LruVariant v)
    {
        using CpuPin pin = Cpu.Pin(0);
        var t = new LruSelftestHarness(v, v.Flavor == LruFlavor.PerCpu ? 2 * v.Cpus : 2);
        t.InsertBoth(1);
        Assert.Equal(MapResult.KeyExists, t.Update(1, 1234, UpdateFlags.NoExist));
        Assert.Equal(MapResult.InvalidFlags, t.Update(1, 1234, (UpdateFlags)(-1)));
        Assert.False(t.SyscallLookup(2, out _));
        Assert.Equal(MapResult.KeyNotFound, t.Update(2, 1234, UpdateFlags.Exist));
        t.Insert(2);
        Assert.False(t.SyscallLookup(3, out _));
        Assert.Equal(1234UL, t.LookupWithRefBit(1));
        t.InsertBoth(3);
        Assert.False(t.SyscallLookup(2, out _)); // evicted
        Assert.Equal(MapResult.Ok, t.Lru.LookupAndDelete(1, out ulong value));
        Assert.Equal(1234UL, value);
        t.Expected.Remove(1);
        t.AssertEqual();
    }

    /// <summary>test_lru_sanity1: unreferenced entries are recycled before referenced ones.</summary>
    [Theory]
    [MemberData(nameof(CommonVariants))]
    public void Sanity1_UnreferencedRecycledFirst(LruVariant v)
    {
        using CpuPin pin = Cpu.Pin(0);
        LruSelftestHarness t = FilledForSanity1And2(v, out int batch, out int filled);

        t.ReferenceRange(1, (ulong)batch);

        t.InsertBothRange((ulong)filled + 1, (ulong)(2 * filled));

        t.AssertEqual();
    }

    /// <summary>test_lru_sanity2: insertions beyond capacity recycle the oldest; unreferenced go before referenced.</summary>
    [Theory]
    [MemberData(nameof(CommonVariants))]
    public void Sanity2_OverCapacityRecyclesOldest(LruVariant v)
    {
        using CpuPin pin = Cpu.Pin(0);
        LruSelftestHarness t = FilledForSanity1And2(v, out int batch, out int filled);

        // The update's node allocation refills the local list by shrinking the inactive tail: key 1 is evicted
        // by its own update, which then fails for want of the key.
        Assert.NotEqual(MapResult.Ok, t.Update(1, 1234, UpdateFlags.Exist));
        for (ulong key = 1; key <= (ulong)batch; key++)
        {
            Assert.False(t.SyscallLookup(key, out _), $"key {key} should have been evicted");
            t.Insert(key, 4321);
            Assert.Equal(4321UL, t.LookupWithRefBit(key));
            t.Expected.Add(key, 4321);
        }

        ulong next = (ulong)filled + 1;
        for (int i = 0; i < batch; i++, next++)
        {
            t.Insert(next); // never referenced: gone at the next shrink
        }

        for (int i = 0; i < filled; i++, next++)
        {
            t.InsertBoth(next);
        }

        t.AssertEqual();
    }

    /// <summary>test_lru_sanity3: active/inactive rotation; one shrink replaces exactly the unreferenced entries.</summary>
    [Theory]
    [MemberData(nameof(CommonVariants))]
    public void Sanity3_RotationKeepsReferencedEntries(LruVariant v)
    {
        using CpuPin pin = Cpu.Pin(0);
        int batch, mapSize, referenced;
        if (v.OldText)
        {
            batch = v.TgtFree / 2;
            mapSize = v.TgtFree * 2;
            referenced = v.TgtFree + batch - 1; // keys 1 .. tgt_free·3/2 − 1
        }
        else
        {
            batch = v.TgtSize(v.TgtFree); // non-zero for up to 64 CPUs
            mapSize = v.MapSize(batch);
            referenced = mapSize - batch;
        }

        var t = new LruSelftestHarness(v, mapSize);
        t.InsertRange(1, (ulong)mapSize);

        t.ReferenceRange(1, (ulong)referenced);

        t.InsertBothRange((ulong)mapSize + 1, (ulong)(mapSize + batch));

        t.AssertEqual();
    }

    /// <summary>test_lru_sanity4: deletion returns nodes for reuse; no eviction at all.</summary>
    [Theory]
    [MemberData(nameof(AllVariants))]
    public void Sanity4_DeletedNodesAreReused(LruVariant v)
    {
        using CpuPin pin = Cpu.Pin(0);
        int tgt = v.TgtFree;
        int size = v.Flavor == LruFlavor.PerCpu ? 3 * tgt * v.Cpus : v.OldText ? 3 * tgt : 3 * v.MapSize(tgt);
        var t = new LruSelftestHarness(v, size);
        t.InsertRange(1, (ulong)(2 * tgt));

        Assert.Equal(MapResult.KeyExists, t.Update(1, 1234, UpdateFlags.NoExist));
        ulong k = 1;
        for (; k <= (ulong)tgt; k++)
        {
            t.LookupWithRefBit(k);
            t.Expected.Add(k, 1234);
        }

        for (; k <= (ulong)(2 * tgt); k++)
        {
            Assert.Equal(MapResult.Ok, t.Lru.Delete(k));
            Assert.Equal(MapResult.KeyNotFound, t.Lru.Delete(k));
        }

        for (ulong end = k + (ulong)(2 * tgt); k < end; k++)
        {
            t.InsertBoth(k);
        }

        t.AssertEqual();
    }

    /// <summary>
    /// test_lru_sanity5: a map of one element, its key moved from CPU to CPU: each CPU steals the only node from
    /// the previous CPU's pending list (the forced pass, since the node is referenced).
    /// </summary>
    [Theory]
    [MemberData(nameof(CommonVariants))]
    public void Sanity5_OneElementMapStealsAcrossCpus(LruVariant v)
    {
        var map = new LruSelftestHarness(v, 1).Lru;
        ulong key = 0;
        Assert.Equal(MapResult.Ok, map.Update(key, 1234, UpdateFlags.NoExist)); // before pinning: whatever CPU this is
        for (int cpu = 0; cpu < v.Cpus; cpu++, key++)
        {
            using CpuPin pin = Cpu.Pin(cpu);
            Assert.True(map.TryLookup(key, out _), $"CPU {cpu}: the previous key {key} is gone ({v})");
            Assert.Equal(MapResult.Ok, map.Update(key + 1, 1234, UpdateFlags.NoExist));
            Assert.True(map.TryLookup(key + 1, out _));
            Assert.False(map.TryPeek(key, out _), $"CPU {cpu}: key {key} should have been evicted");
        }

        Assert.True(key > 0);
        Assert.True(map.Audit().IsConsistent, map.Audit().ToString());
        if (v.Cpus > 1)
        {
            Assert.True(map.Statistics.Steals > 0, "moving between CPUs must steal the node");
        }
    }

    /// <summary>test_lru_sanity6: per-CPU list rotation keeps the referenced keys.</summary>
    [Theory]
    [MemberData(nameof(PerCpuVariants))]
    public void Sanity6_PerCpuRotation(LruVariant v)
    {
        using CpuPin pin = Cpu.Pin(0);
        int tgt = v.TgtFree;
        var t = new LruSelftestHarness(v, 2 * tgt * v.Cpus);
        ulong key = 1;
        for (; key <= (ulong)tgt; key++)
        {
            t.InsertBoth(key);
        }

        for (; key <= (ulong)(2 * tgt); key++)
        {
            for (ulong stable = 1; stable <= (ulong)tgt; stable++)
            {
                t.LookupWithRefBit(stable);
            }

            t.Insert(key);
        }

        for (; key <= (ulong)(3 * tgt); key++)
        {
            t.InsertBoth(key);
        }

        t.AssertEqual();
    }

    /// <summary>test_lru_sanity7: a program lookup protects key 1, a syscall lookup does not protect key 2.</summary>
    [Theory]
    [MemberData(nameof(AllVariants))]
    public void Sanity7_ProgramLookupProtects_SyscallLookupDoesNot(LruVariant v) => RefBitScenario(v, programLookupKey: 1, syscallLookupKey: 2);

    /// <summary>test_lru_sanity8: the mirror of sanity7; key 1 (syscall lookup only) is evicted.</summary>
    [Theory]
    [MemberData(nameof(AllVariants))]
    public void Sanity8_SyscallLookupDoesNotProtect(LruVariant v) => RefBitScenario(v, programLookupKey: 2, syscallLookupKey: 1);

    // sanity1 and sanity2: a map of filled + batch entries (batch = tgt_free/2; filled = __map_size(tgt_free), or
    // tgt_free in the old text), with keys 1..filled inserted.
    private static LruSelftestHarness FilledForSanity1And2(LruVariant v, out int batch, out int filled)
    {
        batch = v.TgtFree / 2;
        filled = v.OldText ? v.TgtFree : v.MapSize(v.TgtFree);
        var t = new LruSelftestHarness(v, filled + batch);
        t.InsertRange(1, (ulong)filled);
        return t;
    }

    private static void RefBitScenario(LruVariant v, ulong programLookupKey, ulong syscallLookupKey)
    {
        using CpuPin pin = Cpu.Pin(0);
        var t = new LruSelftestHarness(v, v.Flavor == LruFlavor.PerCpu ? 2 * v.Cpus : 2);
        t.Insert(1);
        Assert.Equal(MapResult.KeyExists, t.Update(1, 1234, UpdateFlags.NoExist));
        Assert.False(t.SyscallLookup(2, out _));
        Assert.Equal(MapResult.KeyNotFound, t.Update(2, 1234, UpdateFlags.Exist));
        t.Insert(2);
        Assert.False(t.SyscallLookup(3, out _));
        Assert.Equal(1234UL, t.LookupWithRefBit(programLookupKey));
        Assert.True(t.SyscallLookup(syscallLookupKey, out ulong value));
        Assert.Equal(1234UL, value);
        t.InsertBoth(3);
        Assert.False(t.SyscallLookup(syscallLookupKey, out _), $"key {syscallLookupKey} should have been evicted ({v})");
        t.Expected.Add(programLookupKey, 1234);
        t.AssertEqual();
    }

    private static TheoryData<LruVariant> Variants(LruFlavor flavor)
    {
        var data = new TheoryData<LruVariant>();
        foreach (int cpus in CpuCounts)
        {
            data.Add(new LruVariant(cpus, flavor, FreeTargetPolicy.Adaptive));
            if (flavor == LruFlavor.Common)
            {
                data.Add(new LruVariant(cpus, flavor, FreeTargetPolicy.Classic));
            }
        }

        return data;
    }
}
