using PerfKit.Maps;
using PerfKit.Maps.Internal;

namespace PerfKit.PropertyTests.Maps;

/// <summary>
/// Several threads, mixed operations, a couple of seconds per configuration, then an integrity check: every node
/// in exactly one list, live + free = capacity, no key twice, every value belongs to its key. Values encode their
/// key in the high 32 bits, so a torn or foreign value is caught by every lookup as it happens.
/// </summary>
public sealed class ConcurrentMapSmokeTests
{
    private const int Threads = 4;
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(2);

    public static TheoryData<LruFlavor, bool> LruConfigurations => new()
    {
        { LruFlavor.Common, false },
        { LruFlavor.Common, true },
        { LruFlavor.PerCpu, false },
    };

    [Theory]
    [MemberData(nameof(LruConfigurations))]
    public void LruMap_MixedOperations_StaysConsistent(LruFlavor flavor, bool stealBeforeShrink)
    {
        var map = new LruHashMap<ulong, ulong>(new LruHashMapOptions
        {
            MaxEntries = 512,
            PossibleCpus = 2,
            Flavor = flavor,
            StealBeforeShrink = stealBeforeShrink,
        });
        long operations = Run((random, key, value) =>
        {
            switch (random.Next(8))
            {
                case 0 or 1 or 2:
                    map.Update(key, value, (UpdateFlags)random.Next(3));
                    break;
                case 3:
                    CheckValue(key, map.TryLookup(key, out ulong found), found);
                    break;
                case 4:
                    CheckValue(key, map.TryPeek(key, out ulong peeked), peeked);
                    break;
                case 5:
                    map.TryWrite(key, value);
                    break;
                case 6:
                    CheckValue(key, map.LookupAndDelete(key, out ulong removed) == MapResult.Ok, removed);
                    break;
                default:
                    foreach (KeyValuePair<ulong, ulong> entry in map.Take(16))
                    {
                        CheckValue(entry.Key, true, entry.Value);
                    }

                    break;
            }
        });

        AssertConsistent(map.Audit(), map, operations);
        Assert.True(map.Statistics.Evictions > 0, "the key space is twice the capacity: evictions must have happened");
    }

    [Theory]
    [InlineData(LruFlavor.Common)]
    [InlineData(LruFlavor.PerCpu)]
    public void LruMap_LookupsDuringInPlaceWrites_AlwaysFindTheKey(LruFlavor flavor)
    {
        // Keys that are never deleted or evicted, rewritten in place (Cilium's affinity refresh) while other threads
        // look them up: a lookup that meets a rewrite in progress must wait for it, not report the key missing.
        const int Keys = 8;
        var map = new LruHashMap<ulong, ulong>(new LruHashMapOptions { MaxEntries = 64, PossibleCpus = 2, Flavor = flavor });
        for (ulong key = 0; key < Keys; key++)
        {
            Assert.Equal(MapResult.Ok, map.Update(key, key << 32));
        }

        long misses = 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        long lookups = RunThreads(t =>
        {
            uint version = 0;
            long missed = 0, looked = 0;
            while (clock.Elapsed < Duration / 2)
            {
                for (ulong key = 0; key < Keys; key++)
                {
                    if (t % 2 == 0)
                    {
                        if (!map.TryWrite(key, (key << 32) | ++version))
                        {
                            throw new InvalidOperationException($"key {key} vanished: TryWrite did not find it");
                        }

                        continue;
                    }

                    bool found = t % 4 == 1 ? map.TryLookup(key, out ulong value) : map.TryPeek(key, out value);
                    looked++;
                    if (!found)
                    {
                        missed++;
                    }

                    CheckValue(key, found, value);
                }
            }

            Interlocked.Add(ref misses, missed);
            return looked;
        });
        Assert.True(lookups > 10_000, $"only {lookups} lookups ran");
        Assert.Equal(0, misses);
        Assert.Equal(Keys, map.Count);
    }

    [Fact]
    public void HashMap_MixedOperations_StaysConsistent()
    {
        var map = new HashMap<ulong, ulong>(new HashMapOptions { MaxEntries = 512, PossibleCpus = 2 });
        long operations = Run((random, key, value) =>
        {
            switch (random.Next(4))
            {
                case 0 or 1:
                    map.Update(key, value, (UpdateFlags)random.Next(3));
                    break;
                case 2:
                    CheckValue(key, map.TryLookup(key, out ulong found), found);
                    break;
                default:
                    CheckValue(key, map.LookupAndDelete(key, out ulong removed) == MapResult.Ok, removed);
                    break;
            }
        });

        AssertConsistent(map.Audit(), map, operations);
    }

    private static void CheckValue(ulong key, bool found, ulong value)
    {
        if (found && value >> 32 != key)
        {
            throw new InvalidOperationException($"key {key} returned value {value:x}, which belongs to key {value >> 32}");
        }
    }

    private static void AssertConsistent(MapAudit audit, IEnumerable<KeyValuePair<ulong, ulong>> map, long operations)
    {
        Assert.True(audit.IsConsistent, audit.ToString());
        foreach ((ulong key, ulong value) in map)
        {
            CheckValue(key, true, value);
        }

        Assert.True(operations > 10_000, $"only {operations} operations ran");
    }

    // Threads start together, each pinned to a random CPU per batch of 64 operations, until the time is up.
    private static long Run(Action<Random, ulong, ulong> operation) => RunThreads(t =>
    {
        var random = new Random(t);
        uint version = 0;
        long done = 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < Duration)
        {
            using CpuPin pin = Cpu.Pin(random.Next(3));
            for (int i = 0; i < 64; i++, done++)
            {
                ulong key = (ulong)random.Next(1024);
                operation(random, key, (key << 32) | ++version);
            }
        }

        return done;
    });

    // Runs body(t) on Threads threads started together and returns the sum of what they return; an exception on
    // any thread fails the test (after every thread has finished).
    private static long RunThreads(Func<int, long> body)
    {
        long total = 0;
        var failures = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        using var start = new Barrier(Threads);
        var workers = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            try
            {
                Interlocked.Add(ref total, body(t));
            }
            catch (Exception e)
            {
                failures.Enqueue(e);
            }
        })).ToArray();
        foreach (Thread w in workers)
        {
            w.Start();
        }

        foreach (Thread w in workers)
        {
            w.Join();
        }

        Assert.Empty(failures);
        return total;
    }
}
