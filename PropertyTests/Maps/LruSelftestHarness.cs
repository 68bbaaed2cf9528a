using PerfKit.Maps;

namespace PerfKit.PropertyTests.Maps;

/// <summary>Which text of test_lru_map.c a scenario follows, and the map variant it runs on.</summary>
/// <param name="Cpus">Possible CPUs (the selftest's nr_cpus).</param>
/// <param name="Flavor">Common LRU (map_flags 0) or per-CPU LRU (BPF_F_NO_COMMON_LRU).</param>
/// <param name="Policy">Adaptive runs the current (2025+) text; Classic runs the pre-2025 text.</param>
public sealed record LruVariant(int Cpus, LruFlavor Flavor, FreeTargetPolicy Policy)
{
    /// <summary>The selftest's tgt_free: LOCAL_FREE_TARGET (128) or PERCPU_FREE_TARGET (4).</summary>
    public int TgtFree => Flavor == LruFlavor.Common ? 128 : 4;

    /// <summary>True for the pre-2025 text.</summary>
    public bool OldText => Policy == FreeTargetPolicy.Classic;

    /// <summary>__map_size(t) = t · nr_cpus · 2.</summary>
    public int MapSize(int t) => t * Cpus * 2;

    /// <summary>__tgt_size(m) = (m / nr_cpus) / 2.</summary>
    public int TgtSize(int m) => m / Cpus / 2;

    public override string ToString() => $"{Flavor}, {Cpus} CPUs, {(OldText ? "pre-2025 text/Classic" : "current text/Adaptive")}";
}

/// <summary>
/// The selftest's world: an LRU map, the "expected" plain map, lookups that do or do not set the reference bit,
/// and map_equal. Every operation runs pinned to CPU 0, as the selftest pins itself to the first online CPU.
/// </summary>
internal sealed class LruSelftestHarness
{
    public LruSelftestHarness(LruVariant variant, int mapSize)
    {
        Variant = variant;
        Lru = new LruHashMap<ulong, ulong>(new LruHashMapOptions
        {
            MaxEntries = mapSize,
            Flavor = variant.Flavor,
            PossibleCpus = variant.Cpus,
            FreeTarget = variant.Policy,
        });
    }

    public LruVariant Variant { get; }

    public LruHashMap<ulong, ulong> Lru { get; }

    public Dictionary<ulong, ulong> Expected { get; } = [];

    /// <summary>bpf_map_update_elem on the LRU map.</summary>
    public MapResult Update(ulong key, ulong value, UpdateFlags flags = UpdateFlags.NoExist) => Lru.Update(key, value, flags);

    /// <summary>Update that must succeed.</summary>
    public void Insert(ulong key, ulong value = 1234) => Assert.Equal(MapResult.Ok, Update(key, value));

    /// <summary>Update of both the LRU map and the expected map, both of which must succeed.</summary>
    public void InsertBoth(ulong key, ulong value = 1234)
    {
        Insert(key, value);
        Assert.True(Expected.TryAdd(key, value), $"expected map already had {key}");
    }

    /// <summary>Inserts keys <paramref name="first"/>..<paramref name="last"/> into the LRU map only.</summary>
    public void InsertRange(ulong first, ulong last)
    {
        for (ulong key = first; key <= last; key++)
        {
            Insert(key);
        }
    }

    /// <summary>Inserts keys <paramref name="first"/>..<paramref name="last"/> into both maps.</summary>
    public void InsertBothRange(ulong first, ulong last)
    {
        for (ulong key = first; key <= last; key++)
        {
            InsertBoth(key);
        }
    }

    /// <summary>Program lookups of <paramref name="first"/>..<paramref name="last"/>, each key then expected with value 1234.</summary>
    public void ReferenceRange(ulong first, ulong last)
    {
        for (ulong key = first; key <= last; key++)
        {
            LookupWithRefBit(key);
            Expected.Add(key, 1234);
        }
    }

    /// <summary>bpf_map_lookup_elem_with_ref_bit (a program lookup) that must find the key; returns the value.</summary>
    public ulong LookupWithRefBit(ulong key)
    {
        Assert.True(Lru.TryLookup(key, out ulong value), $"program lookup of {key} missed ({Variant})");
        return value;
    }

    /// <summary>bpf_map_lookup_elem from the syscall side (no reference bit).</summary>
    public bool SyscallLookup(ulong key, out ulong value) => Lru.TryPeek(key, out value);

    /// <summary>map_equal: same keys, same values; and the map is internally consistent.</summary>
    public void AssertEqual()
    {
        var actual = Lru.ToDictionary(e => e.Key, e => e.Value);
        var missing = Expected.Keys.Where(k => !actual.ContainsKey(k)).Order().Take(10).ToList();
        var extra = actual.Keys.Where(k => !Expected.ContainsKey(k)).Order().Take(10).ToList();
        Assert.True(missing.Count == 0 && extra.Count == 0,
            $"{Variant}: map has {actual.Count} keys, expected {Expected.Count}; missing [{string.Join(",", missing)}] extra [{string.Join(",", extra)}]");
        foreach ((ulong key, ulong value) in Expected)
        {
            Assert.Equal(value, actual[key]);
        }

        MapAudit audit = Lru.Audit();
        Assert.True(audit.IsConsistent, audit.ToString());
    }
}
