using FsCheck.Xunit;
using PerfKit.Maps;

namespace PerfKit.PropertyTests.Maps;

/// <summary>
/// Hash flooding: keys chosen to collide under one seed all land in one bucket of a map with that seed (the attack
/// works), but spread out in maps with their own random seeds (the defence works), for both map types.
/// </summary>
public sealed class HashFloodingTests
{
    private const int Capacity = 1024;     // 1,024 buckets
    private const int Attack = 300;        // colliding keys
    private const ulong AttackerSeed = 0x5EED;

    [Fact]
    public void KeysCollidingUnderAFixedSeed_DoNotDegradeMapsWithRandomSeeds()
    {
        var probe = new HashMap<ulong, ulong>(new HashMapOptions { MaxEntries = Capacity, PossibleCpus = 1, HashSeed = AttackerSeed });
        ulong[] colliding = FindKeysInBucketZero(probe, Attack);

        foreach (ulong key in colliding)
        {
            Assert.Equal(MapResult.Ok, probe.Update(key, key));
        }

        Assert.Equal(Attack, probe.LongestChain); // under the attacker's seed: one chain of 300

        for (int map = 0; map < 5; map++)
        {
            var plain = new HashMap<ulong, ulong>(new HashMapOptions { MaxEntries = Capacity, PossibleCpus = 1 });
            var lru = new LruHashMap<ulong, ulong>(new LruHashMapOptions { MaxEntries = Capacity, PossibleCpus = 1 });
            foreach (ulong key in colliding)
            {
                plain.Update(key, key);
                lru.Update(key, key);
            }

            // 300 keys in 1,024 buckets with a random seed: the expected longest chain is about 4; 12 would be a
            // one-in-millions event for a good hash, and is 25× shorter than the attack's chain.
            Assert.InRange(plain.LongestChain, 1, 12);
            Assert.InRange(lru.LongestChain, 1, 12);
        }
    }

    // Sequential keys (cookies, ids) are the common case: under any seed, 0 … n − 1 spread over n buckets with at
    // most 2 in a bucket (HashSeed draws until its multiplier does this; about 70 % of odd multipliers do), for both
    // key widths.
    [Property(MaxTest = 200)]
    public void SequentialKeys_SpreadEvenly_UnderAnySeed(ulong seed, bool wideBuckets)
    {
        int n = wideBuckets ? 1 << 14 : 1 << 10;
        var wide = new HashMap<ulong, ulong>(new HashMapOptions { MaxEntries = n, PossibleCpus = 1, HashSeed = seed });
        var narrow = new HashMap<uint, ulong>(new HashMapOptions { MaxEntries = n, PossibleCpus = 1, HashSeed = seed });
        for (int key = 0; key < n; key++)
        {
            Assert.Equal(MapResult.Ok, wide.Update((ulong)key, 1));
            Assert.Equal(MapResult.Ok, narrow.Update((uint)key, 1));
        }

        Assert.InRange(wide.LongestChain, 1, 2);
        Assert.InRange(narrow.LongestChain, 1, 2);
    }

    private static ulong[] FindKeysInBucketZero(HashMap<ulong, ulong> probe, int count)
    {
        var keys = new List<ulong>(count);
        for (ulong candidate = 0; keys.Count < count; candidate++)
        {
            if (probe.BucketOfKey(candidate) == 0)
            {
                keys.Add(candidate);
            }
        }

        return [.. keys];
    }
}
