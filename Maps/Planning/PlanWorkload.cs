namespace PerfKit.Maps.Planning;

/// <summary>What one step of a workload does to the map.</summary>
public enum PlanOperation : byte
{
    /// <summary>A program's lookup; on a miss, an insert (BPF_ANY update): what a cache or a conntrack lookup-or-create does.</summary>
    Access = 0,

    /// <summary>An update of the key's value (BPF_ANY), present or not: a per-packet counter or timestamp write. Counted as an access: a hit if the key was there.</summary>
    Write = 1,

    /// <summary>A delete: a flow or session that ended.</summary>
    Delete = 2,

    /// <summary>A write right after a lookup of the same key (a timestamp refresh): an update, not counted as an access.</summary>
    Refresh = 3,
}

/// <summary>
/// An operation stream to replay through a map: keys and operations, and optionally the CPU that performs each step
/// (a trace's CPU column). Built-in generators give streams shaped like what BPF LRU maps hold.
/// </summary>
public sealed class PlanWorkload
{
    /// <summary>Creates a workload from its columns.</summary>
    /// <exception cref="ArgumentException">The columns are empty or differ in length.</exception>
    public PlanWorkload(string name, long[] keys, PlanOperation[] operations, int[]? cpus = null)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(operations);
        if (keys.Length == 0 || keys.Length != operations.Length || (cpus is not null && cpus.Length != keys.Length))
        {
            throw new ArgumentException("A workload needs at least one step, and as many operations (and CPUs, if given) as keys.");
        }

        Name = name;
        Keys = keys;
        Operations = operations;
        Cpus = cpus;
    }

    /// <summary>A short name for tables and plots.</summary>
    public string Name { get; }

    /// <summary>The key of each step.</summary>
    public long[] Keys { get; }

    /// <summary>The operation of each step.</summary>
    public PlanOperation[] Operations { get; }

    /// <summary>The CPU of each step, from the workload itself (a trace's column), or null.</summary>
    public int[]? Cpus { get; }

    /// <summary>Steps.</summary>
    public int Length => Keys.Length;

    /// <summary>Distinct keys the stream touches: its first references.</summary>
    public int DistinctKeys => _distinctKeys ??= FirstReferences.Count(first => first);

    private int? _distinctKeys;

    /// <summary>For each step, whether it is the first to name its key: a miss no map size avoids (a compulsory miss).</summary>
    public bool[] FirstReferences => _firstReferences ??= FindFirstReferences(Keys);

    private bool[]? _firstReferences;

    private static bool[] FindFirstReferences(long[] keys)
    {
        var seen = new HashSet<long>();
        var first = new bool[keys.Length];
        for (int i = 0; i < keys.Length; i++)
        {
            first[i] = seen.Add(keys[i]);
        }

        return first;
    }

    /// <summary>Accesses of <paramref name="keySpace"/> keys drawn with Zipf probabilities P(k) ∝ 1/(k+1)^<paramref name="skew"/>.</summary>
    public static PlanWorkload Zipf(int steps, int keySpace, double skew, int seed = 1)
    {
        var sampler = new ZipfSampler(keySpace, skew, seed);
        var keys = new long[steps];
        for (int i = 0; i < steps; i++)
        {
            keys[i] = sampler.Next();
        }

        return new PlanWorkload(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"zipf-{skew}"), keys, new PlanOperation[steps]);
    }

    /// <summary>
    /// Connection tracking: about <paramref name="openFlows"/> flows open at a time, each created by an access, then
    /// written once per packet for a lifetime drawn from an exponential distribution of mean
    /// <paramref name="meanPackets"/> packets, then deleted. Packets of the open flows interleave at random.
    /// </summary>
    public static PlanWorkload ConnectionTracking(int steps, int openFlows, double meanPackets, int seed = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(openFlows, 1);
        var random = new Random(seed);
        var keys = new long[steps];
        var ops = new PlanOperation[steps];
        var flows = new (long Key, int Left)[openFlows];
        long nextFlow = 0;
        for (int f = 0; f < openFlows; f++)
        {
            flows[f] = (-1, 0);
        }

        for (int i = 0; i < steps; i++)
        {
            int f = random.Next(openFlows);
            if (flows[f].Key < 0)
            {
                flows[f] = (nextFlow++, 1 + (int)(-meanPackets * Math.Log(1 - random.NextDouble())));
                (keys[i], ops[i]) = (flows[f].Key, PlanOperation.Access);
            }
            else if (--flows[f].Left > 0)
            {
                (keys[i], ops[i]) = (flows[f].Key, PlanOperation.Write);
            }
            else
            {
                (keys[i], ops[i]) = (flows[f].Key, PlanOperation.Delete);
                flows[f] = (-1, 0);
            }
        }

        return new PlanWorkload("conntrack", keys, ops);
    }

    /// <summary>
    /// Session affinity: <paramref name="clients"/> clients connecting with Zipf(0.8) popularity, each connect a lookup
    /// of the client's entry followed by a refresh of its timestamp, as Cilium's hook does.
    /// </summary>
    public static PlanWorkload SessionAffinity(int steps, int clients, int seed = 1)
    {
        PlanWorkload popular = Zipf(steps, clients, 0.8, seed);
        var ops = new PlanOperation[steps];
        for (int i = 0; i < steps; i++)
        {
            ops[i] = i % 2 == 0 ? PlanOperation.Access : PlanOperation.Refresh;
        }

        long[] keys = popular.Keys;
        for (int i = 1; i < steps; i += 2)
        {
            keys[i] = keys[i - 1]; // the refresh of the entry just looked up
        }

        return new PlanWorkload("affinity", keys, ops);
    }

    /// <summary>Runs of accesses to a Zipf(0.9) hot set of <paramref name="hotKeys"/> keys, each followed by a scan of <paramref name="scanLength"/> keys never seen again.</summary>
    public static PlanWorkload HotSetWithScans(int steps, int hotKeys, int scanLength, int seed = 1)
    {
        PlanWorkload hot = Zipf(steps, hotKeys, 0.9, seed);
        long[] keys = hot.Keys;
        long nextScan = long.MaxValue / 2;
        int period = (3 * scanLength) + scanLength;
        for (int i = 0; i < steps; i++)
        {
            if (i % period >= 3 * scanLength)
            {
                keys[i] = nextScan++;
            }
        }

        return new PlanWorkload("scan", keys, new PlanOperation[steps]);
    }
}
