using PerfKit.Maps;

namespace PerfKit.Reliability;

/// <summary>The fill level at which an LRU map first evicts, with inserts alternating between CPUs 0 and 1.</summary>
public static class FirstEviction
{
    /// <summary>Live entries just before the first insert that evicted, as a fraction of capacity (2 CPUs, spread inserts).</summary>
    public static double FillAt(int capacity, FreeTargetPolicy policy, bool stealBeforeShrink)
    {
        var map = new LruHashMap<ulong, ulong>(new LruHashMapOptions
        {
            MaxEntries = capacity,
            PossibleCpus = 2,
            FreeTarget = policy,
            StealBeforeShrink = stealBeforeShrink,
        });
        for (ulong key = 0; ; key++)
        {
            int before = map.Count;
            using (Cpu.Pin((int)(key % 2)))
            {
                if (map.Update(key, key) != MapResult.Ok)
                {
                    throw new InvalidOperationException($"insert {key} failed");
                }
            }

            if (map.Statistics.Evictions > 0)
            {
                return (double)before / capacity;
            }
        }
    }
}
