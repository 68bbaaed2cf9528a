using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using PerfKit.Maps;

namespace PerfKit.PropertyTests.Maps;

/// <summary>The plain preallocated hash map against a dictionary: exact, since it never evicts; its .NET surface too.</summary>
public sealed class HashMapProperties
{
    [Property(MaxTest = 300, EndSize = 300)]
    public Property HashMap_MatchesADictionary(byte capacitySeed, byte cpuSeed, (byte Kind, byte Key, int Value, byte Flags)[] ops)
    {
        var map = new HashMap<ulong, ulong>(new HashMapOptions { MaxEntries = 1 + (capacitySeed % 32), PossibleCpus = 1 + (cpuSeed % 4) });
        var model = new Dictionary<ulong, ulong>();
        var random = new Random(capacitySeed);
        foreach ((byte kind, byte rawKey, int rawValue, byte rawFlags) in ops)
        {
            using CpuPin pin = Cpu.Pin(random.Next(4)); // free nodes move between per-CPU lists
            ulong key = rawKey % (ulong)(2 * map.Capacity + 2);
            ulong value = (uint)rawValue;
            bool present = model.ContainsKey(key);
            bool full = !present && model.Count == map.Capacity;
            switch (kind % 10)
            {
                case 0 or 1:
                    var flags = (UpdateFlags)(rawFlags % 4);
                    MapResult expected = (int)flags == 3 ? MapResult.InvalidFlags
                        : flags == UpdateFlags.NoExist && present ? MapResult.KeyExists
                        : flags == UpdateFlags.Exist && !present ? MapResult.KeyNotFound
                        : !present && model.Count == map.Capacity ? MapResult.MapFull
                        : MapResult.Ok;
                    Assert.Equal(expected, map.Update(key, value, flags));
                    if (expected == MapResult.Ok)
                    {
                        model[key] = value;
                    }

                    break;
                case 2:
                    Assert.Equal(present, map.TryLookup(key, out ulong seen));
                    Assert.Equal(present ? model[key] : 0, seen);
                    break;
                case 3:
                    Assert.Equal(present ? MapResult.Ok : MapResult.KeyNotFound, map.LookupAndDelete(key, out ulong old));
                    Assert.Equal(present ? model[key] : 0, old);
                    model.Remove(key);
                    break;
                case 4: // TryAdd: NoExist; a full map throws rather than answer "exists"
                    if (full)
                    {
                        Assert.Throws<InvalidOperationException>(() => map.TryAdd(key, value));
                    }
                    else
                    {
                        Assert.Equal(!present, map.TryAdd(key, value));
                        model.TryAdd(key, value);
                    }

                    break;
                case 5: // GetOrAdd: the value in the map
                    if (full)
                    {
                        Assert.Throws<InvalidOperationException>(() => map.GetOrAdd(key, value));
                    }
                    else
                    {
                        Assert.Equal(present ? model[key] : value, map.GetOrAdd(key, _ => value));
                        model.TryAdd(key, value);
                    }

                    break;
                case 6: // TryUpdate: compare-and-write
                    ulong comparison = present && rawFlags % 2 == 0 ? model[key] : value + 1;
                    bool swapped = map.TryUpdate(key, value, comparison);
                    Assert.Equal(present && model[key] == comparison, swapped);
                    if (swapped)
                    {
                        model[key] = value;
                    }

                    break;
                case 7: // AddOrUpdate
                    if (!full)
                    {
                        ulong now = map.AddOrUpdate(key, value, (_, current) => current + 1);
                        Assert.Equal(present ? model[key] + 1 : value, now);
                        model[key] = now;
                    }

                    break;
                case 8: // TryGetValue, ContainsKey and the indexer's get
                    Assert.Equal(present, map.TryGetValue(key, out ulong got) && map.ContainsKey(key));
                    Assert.Equal(present ? model[key] : 0, got);
                    if (present)
                    {
                        Assert.Equal(model[key], map[key]);
                    }
                    else
                    {
                        Assert.Throws<KeyNotFoundException>(() => map[key]);
                    }

                    break;
                default: // TryRemove
                    Assert.Equal(present, map.TryRemove(key, out ulong removed));
                    Assert.Equal(present ? model[key] : 0, removed);
                    model.Remove(key);
                    break;
            }

            Assert.Equal(model.Count, map.Count);
        }

        Assert.Equal(model.OrderBy(e => e.Key), map.OrderBy(e => e.Key));
        MapAudit audit = map.Audit();
        Assert.True(audit.IsConsistent, audit.ToString());
        return true.ToProperty();
    }

    [Fact]
    public void HashMap_WhenFull_RejectsNewKeys_ButUpdatesExistingOnesInPlace()
    {
        var map = new HashMap<int, long>(new HashMapOptions { MaxEntries = 2, PossibleCpus = 1 });
        Assert.Equal(MapResult.Ok, map.Update(1, 10));
        Assert.Equal(MapResult.Ok, map.Update(2, 20));
        Assert.Equal(MapResult.MapFull, map.Update(3, 30));
        Assert.Equal(MapResult.Ok, map.Update(1, 11));
        Assert.True(map.TryWrite(2, 21));
        Assert.False(map.TryWrite(3, 31));
        Assert.Equal([new KeyValuePair<int, long>(1, 11), new KeyValuePair<int, long>(2, 21)], map.OrderBy(e => e.Key));
    }

    [Fact]
    public void Options_OutOfRange_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new HashMap<int, int>(new HashMapOptions { MaxEntries = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new HashMap<int, int>(new HashMapOptions { MaxEntries = 4, PossibleCpus = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LruHashMap<int, int>(new LruHashMapOptions { MaxEntries = -1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LruHashMap<int, int>(new LruHashMapOptions { MaxEntries = int.MaxValue }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new HashMap<int, int>(new HashMapOptions { MaxEntries = LruHashMap<int, int>.MaxCapacity + 1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LruHashMap<int, int>(new LruHashMapOptions { MaxEntries = 4, PossibleCpus = -2 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PerfKit.Hooks.SocketLoadBalancer(new PerfKit.Hooks.NetworkHost(), new PerfKit.Hooks.LoadBalancerOptions { ReverseNatMapSize = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PerfKit.Hooks.SocketLoadBalancer(new PerfKit.Hooks.NetworkHost(), new PerfKit.Hooks.LoadBalancerOptions { NodePortMin = 40000, NodePortMax = 30000 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LruHashMap<int, int>(new LruHashMapOptions { MaxEntries = 4, Flavor = (LruFlavor)7 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LruHashMap<int, int>(new LruHashMapOptions { MaxEntries = 4, FreeTarget = (FreeTargetPolicy)7 }));
        Assert.Throws<ArgumentNullException>(() => new LruHashMap<int, int>(null!));
    }
}
