using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using PerfKit.Maps;

namespace PerfKit.PropertyTests.Maps;

/// <summary>
/// Random operation sequences on one pinned CPU, checked step by step against a sequential oracle (a dictionary of
/// the latest value written per key). Eviction is the one freedom the map has, and it is constrained:
/// <list type="bullet">
/// <item>a key absent from the oracle is never found; a key found has the oracle's latest value;</item>
/// <item>keys only disappear by delete or by eviction, and never more than the eviction counter says;</item>
/// <item>evictions happen only when free nodes ran out per the algorithm: with one CPU in use, a common-flavor
/// update evicts only if fewer than target_free nodes were free; a per-CPU-flavor update only if none was;</item>
/// <item>an update's outcome follows its flags on the state before it, unless that update itself evicted;</item>
/// <item>an update-if-changed writes exactly when the key is absent or holds another value, and otherwise takes no
/// node (so evicts nothing);</item>
/// <item>Count never exceeds the usable capacity and always equals the enumeration; the audit stays clean;</item>
/// <item>the .NET surface (TryGetValue, ContainsKey, TryAdd, GetOrAdd, TryUpdate, AddOrUpdate, TryRemove, the
/// indexer) answers as the kernel operations it is made of would, on the same oracle.</item>
/// </list>
/// </summary>
public sealed class LruModelProperties
{
    [Property(MaxTest = 300, EndSize = 300)]
    public Property LruMap_FollowsTheOracle(bool perCpu, bool classic, byte capacitySeed, byte cpuSeed, (byte Kind, byte Key, int Value, byte Flags)[] ops) =>
        Check(new LruHashMapOptions
        {
            MaxEntries = 1 + (capacitySeed % 48),
            PossibleCpus = 1 + (cpuSeed % 4),
            Flavor = perCpu ? LruFlavor.PerCpu : LruFlavor.Common,
            FreeTarget = classic ? FreeTargetPolicy.Classic : FreeTargetPolicy.Adaptive,
        }, ops).ToProperty();

    [Property(MaxTest = 100, EndSize = 300)]
    public Property LruMap_StealBeforeShrink_FollowsTheOracle(byte capacitySeed, byte cpuSeed, (byte Kind, byte Key, int Value, byte Flags)[] ops) =>
        Check(new LruHashMapOptions
        {
            MaxEntries = 1 + (capacitySeed % 48),
            PossibleCpus = 1 + (cpuSeed % 4),
            StealBeforeShrink = true,
        }, ops).ToProperty();

    private static bool Check(LruHashMapOptions options, (byte Kind, byte Key, int Value, byte Flags)[] ops)
    {
        using CpuPin pin = Cpu.Pin(0);
        var map = new LruHashMap<ulong, ulong>(options);
        int usable = options.Flavor == LruFlavor.PerCpu ? map.Capacity / map.PossibleCpus : map.Capacity;
        int threshold = options.Flavor == LruFlavor.PerCpu ? 1 : map.TargetFree; // fewer free than this may evict
        ulong keySpace = (ulong)(2 * usable) + 2;
        var model = new Dictionary<ulong, ulong>();
        for (int step = 0; step < ops.Length; step++)
        {
            (byte kind, byte rawKey, int rawValue, byte rawFlags) = ops[step];
            ulong key = rawKey % keySpace;
            ulong value = (uint)rawValue;
            int liveBefore = model.Count;
            long evictionsBefore = map.Statistics.Evictions;
            bool presentBefore = model.TryGetValue(key, out ulong modelValue);
            int op = kind % 15;
            string where = $"step {step}: op {op} key {key} ({options.Flavor}, cap {map.Capacity}, cpus {map.PossibleCpus})";
            bool updates = op is 0 or 1 or 6 or 8 or 9 or 11 or 14; // the operations that may take a node
            switch (op)
            {
                case 0 or 1: // update (the most common operation)
                    var flags = (UpdateFlags)(rawFlags % 4); // 3 is invalid
                    MapResult result = map.Update(key, value, flags);
                    bool evicted = map.Statistics.Evictions > evictionsBefore;
                    if ((int)flags == 3)
                    {
                        Assert.Equal(MapResult.InvalidFlags, result);
                        Assert.False(evicted, where + ": an invalid-flags update must not touch the LRU");
                        break;
                    }

                    Assert.NotEqual(MapResult.NoFreeNode, result);
                    if (!evicted)
                    {
                        Assert.Equal(Expected(flags, presentBefore), result);
                    }
                    else
                    {
                        Assert.True(result == Expected(flags, presentBefore) || result == Expected(flags, false), where + $": {result}");
                    }

                    if (result == MapResult.Ok)
                    {
                        model[key] = value;
                    }

                    if (evicted)
                    {
                        Assert.True(usable - liveBefore < threshold,
                            $"{where}: evicted with {usable - liveBefore} of {usable} nodes free (threshold {threshold})");
                    }

                    break;
                case 2: // program lookup
                    Assert.Equal(presentBefore, map.TryLookup(key, out ulong seen));
                    Assert.Equal(presentBefore ? modelValue : 0, seen);
                    break;
                case 3: // syscall lookup
                    Assert.Equal(presentBefore, map.TryPeek(key, out ulong peeked));
                    Assert.Equal(presentBefore ? modelValue : 0, peeked);
                    break;
                case 4: // in-place write
                    Assert.Equal(presentBefore, map.TryWrite(key, value));
                    if (presentBefore)
                    {
                        model[key] = value;
                    }

                    break;
                case 5: // delete or lookup-and-delete
                    MapResult deleted = rawFlags % 2 == 0 ? map.Delete(key) : map.LookupAndDelete(key, out ulong old);
                    Assert.Equal(presentBefore ? MapResult.Ok : MapResult.KeyNotFound, deleted);
                    model.Remove(key);
                    break;
                case 7: // TryGetValue: a program lookup
                    Assert.Equal(presentBefore, map.TryGetValue(key, out ulong got));
                    Assert.Equal(presentBefore ? modelValue : 0, got);
                    break;
                case 8: // TryAdd: an update with NoExist
                    bool addedNow = map.TryAdd(key, value);
                    Assert.True(addedNow || presentBefore, where + ": TryAdd of an absent key must add it");
                    if (map.Statistics.Evictions == evictionsBefore)
                    {
                        Assert.Equal(!presentBefore, addedNow);
                    }

                    if (addedNow)
                    {
                        model[key] = value;
                    }

                    AssertEvictedOnlyWhenShort(map, evictionsBefore, usable - liveBefore, threshold, where);
                    break;
                case 9: // GetOrAdd: the value in the map, added if absent
                    ulong inMap = map.GetOrAdd(key, value);
                    Assert.Equal(presentBefore ? modelValue : value, inMap);
                    if (presentBefore)
                    {
                        Assert.True(map.Statistics.Evictions == evictionsBefore, where + ": GetOrAdd of a present key must not take a node");
                    }

                    model[key] = inMap;
                    AssertEvictedOnlyWhenShort(map, evictionsBefore, usable - liveBefore, threshold, where);
                    break;
                case 10: // TryUpdate: compare-and-write in place, never evicts
                    ulong comparison = presentBefore && rawFlags % 2 == 0 ? modelValue : modelValue + 1;
                    bool swapped = map.TryUpdate(key, value, comparison);
                    Assert.Equal(presentBefore && comparison == modelValue, swapped);
                    if (swapped)
                    {
                        model[key] = value;
                    }

                    break;
                case 11: // AddOrUpdate: the old value plus one, or the added value
                    ulong now = map.AddOrUpdate(key, value, (_, old) => old + 1);
                    Assert.Equal(presentBefore ? modelValue + 1 : value, now);
                    if (presentBefore)
                    {
                        Assert.True(map.Statistics.Evictions == evictionsBefore, where + ": AddOrUpdate of a present key writes in place");
                    }
                    model[key] = now;
                    AssertEvictedOnlyWhenShort(map, evictionsBefore, usable - liveBefore, threshold, where);
                    break;
                case 12: // ContainsKey: a syscall lookup
                    Assert.Equal(presentBefore, map.ContainsKey(key));
                    break;
                case 13: // TryRemove: lookup-and-delete
                    Assert.Equal(presentBefore, map.TryRemove(key, out ulong removed));
                    Assert.Equal(presentBefore ? modelValue : 0, removed);
                    model.Remove(key);
                    break;
                case 14: // the indexer: get (throws when absent), then set (an update with Any)
                    if (presentBefore)
                    {
                        Assert.Equal(modelValue, map[key]);
                    }
                    else
                    {
                        Assert.Throws<KeyNotFoundException>(() => map[key]);
                    }

                    map[key] = value;
                    model[key] = value;
                    AssertEvictedOnlyWhenShort(map, evictionsBefore, usable - liveBefore, threshold, where);
                    break;
                default: // update only if absent or different (sock_update_revnat); few values, so "unchanged" is common
                    value %= 3;
                    Assert.Equal(MapResult.Ok, map.UpdateIfChanged(key, value, out bool written));
                    bool unchanged = presentBefore && modelValue == value;
                    Assert.Equal(!unchanged, written);
                    if (unchanged)
                    {
                        Assert.True(map.Statistics.Evictions == evictionsBefore, where + ": an unchanged entry must not take a node");
                    }
                    else if (map.Statistics.Evictions > evictionsBefore)
                    {
                        Assert.True(usable - liveBefore < threshold,
                            $"{where}: evicted with {usable - liveBefore} of {usable} nodes free (threshold {threshold})");
                    }

                    model[key] = value;
                    break;
            }

            Assert.True(map.Statistics.Evictions == evictionsBefore || updates, where + ": only updates evict");

            // Reconcile: keys gone without a delete were evicted, and no more than the counter says.
            var gone = model.Keys.Where(k => !map.TryPeek(k, out _)).ToList();
            Assert.True(gone.Count <= map.Statistics.Evictions - evictionsBefore, $"{where}: {gone.Count} keys vanished, {map.Statistics.Evictions - evictionsBefore} evictions");
            foreach (ulong k in gone)
            {
                model.Remove(k);
            }

            foreach ((ulong k, ulong v) in model)
            {
                Assert.True(map.TryPeek(k, out ulong actual) && actual == v, $"{where}: key {k} should hold {v}");
            }

            Assert.Equal(model.Count, map.Count);
            Assert.InRange(map.Count, 0, usable);
        }

        Assert.Equal(model.Count, map.AsEnumerable().Count()); // the enumeration agrees with Count
        MapAudit audit = map.Audit();
        Assert.True(audit.IsConsistent, audit.ToString());
        return true;
    }

    private static void AssertEvictedOnlyWhenShort(LruHashMap<ulong, ulong> map, long evictionsBefore, int freeBefore, int threshold, string where) =>
        Assert.True(map.Statistics.Evictions == evictionsBefore || freeBefore < threshold,
            $"{where}: evicted with {freeBefore} nodes free (threshold {threshold})");

    private static MapResult Expected(UpdateFlags flags, bool present) => flags switch
    {
        UpdateFlags.NoExist when present => MapResult.KeyExists,
        UpdateFlags.Exist when !present => MapResult.KeyNotFound,
        _ => MapResult.Ok,
    };
}
