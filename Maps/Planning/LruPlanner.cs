using System.Diagnostics;
using System.Globalization;

namespace PerfKit.Maps.Planning;

/// <summary>Which simulated CPU performs each step.</summary>
public enum CpuRule
{
    /// <summary>Step i on CPU i mod N.</summary>
    RoundRobin,

    /// <summary>A CPU drawn at random for every step (a fixed seed: replays are repeatable).</summary>
    Random,

    /// <summary>A key's steps all on one CPU, chosen by a hash of the key, as RSS steers a flow's packets to one queue.</summary>
    ByFlow,

    /// <summary>The workload's own CPU column, mod N.</summary>
    TraceColumn,
}

/// <summary>What a replay did.</summary>
/// <param name="Configuration">The map's configuration.</param>
/// <param name="Cpus">Simulated CPUs.</param>
/// <param name="MaxEntries">The map's max_entries.</param>
/// <param name="Steps">Steps replayed.</param>
/// <param name="Hits">Accesses and writes that found their key.</param>
/// <param name="Accesses">Accesses and writes that could have found their key: all but the first reference to each key (a miss no size avoids).</param>
/// <param name="Evictions">Entries evicted.</param>
/// <param name="PrematureEvictions">Entries evicted while the map held fewer live entries than its capacity: free nodes sat on other CPUs' lists.</param>
/// <param name="FirstEvictionFill">Live entries over capacity when the first eviction came, or null if none did.</param>
public sealed record PlanResult(PlanConfiguration Configuration, int Cpus, int MaxEntries, long Steps, long Hits, long Accesses, long Evictions,
    long PrematureEvictions, double? FirstEvictionFill)
{
    /// <summary>Hits over the accesses that could hit, 0 to 1: for a connection-tracking stream, the share of a flow's later packets that found its entry.</summary>
    public double HitRate => Accesses == 0 ? 0 : (double)Hits / Accesses;
}

/// <summary>What a size must achieve.</summary>
/// <param name="MinHitRate">The hit rate to reach (0 to 1), or null.</param>
/// <param name="NoPrematureEviction">Whether no entry may be evicted while free nodes exist elsewhere.</param>
public sealed record PlanTarget(double? MinHitRate, bool NoPrematureEviction)
{
    /// <summary>Whether <paramref name="result"/> meets this target.</summary>
    public bool IsMetBy(PlanResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return (MinHitRate is not double rate || result.HitRate >= rate) && (!NoPrematureEviction || result.PrematureEvictions == 0);
    }

    /// <inheritdoc />
    public override string ToString() => string.Join(" and ",
        new[] { MinHitRate is double r ? string.Create(CultureInfo.InvariantCulture, $"hit rate ≥ {r:P1}") : null, NoPrematureEviction ? "no premature eviction" : null }.Where(s => s is not null));
}

/// <summary>
/// Replays a workload through an <see cref="LruHashMap{TKey, TValue}"/> on any number of simulated CPUs. The map is
/// the kernel's algorithm and every step runs pinned (<see cref="Cpu.Pin"/>), so a replay is deterministic and is
/// what the kernel does with the same stream on that many CPUs (the conformance check holds the map to the running
/// kernel op for op).
/// </summary>
public static class LruPlanner
{
    /// <summary>Replays <paramref name="workload"/> on a map of <paramref name="maxEntries"/> entries set up as <paramref name="configuration"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A count is outside its range (CPUs 1–8192).</exception>
    /// <exception cref="ArgumentException"><paramref name="rule"/> is <see cref="CpuRule.TraceColumn"/> and the workload has no CPU column.</exception>
    public static PlanResult Replay(PlanWorkload workload, PlanConfiguration configuration, int cpus, int maxEntries, CpuRule rule = CpuRule.ByFlow, int seed = 1)
    {
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentNullException.ThrowIfNull(configuration);
        Cpu.ValidatePossibleCpus(cpus, nameof(cpus));
        if (rule == CpuRule.TraceColumn && workload.Cpus is null)
        {
            throw new ArgumentException($"Workload {workload.Name} has no CPU column.", nameof(rule));
        }

        var map = new LruHashMap<long, long>(new LruHashMapOptions
        {
            MaxEntries = maxEntries,
            PossibleCpus = cpus,
            Flavor = configuration.Flavor,
            FreeTarget = configuration.FreeTarget,
            StealBeforeShrink = configuration.StealBeforeShrink,
            HashSeed = (ulong)seed, // bucket placement does not change LRU decisions, but fixed is repeatable
        });
        int capacity = map.Capacity;
        ulong random = 0x9E3779B97F4A7C15UL ^ (ulong)seed;
        long hits = 0, accesses = 0, premature = 0, live = 0;
        bool[] first = workload.FirstReferences;
        double? firstFill = null;

        // The live count is kept here, step by step: map.Count and map.Statistics sum a slot per CPU, which at
        // thousands of CPUs would cost more than the step.
        for (int i = 0; i < workload.Length; i++)
        {
            long key = workload.Keys[i];
            int cpu = rule switch
            {
                CpuRule.RoundRobin => i % cpus,
                CpuRule.Random => (int)(Next(ref random) % (ulong)cpus),
                CpuRule.ByFlow => (int)(Mix((ulong)key) % (ulong)cpus),
                _ => workload.Cpus![i] % cpus,
            };
            using CpuPin pin = Cpu.Pin(cpu);
            long liveBefore = live;
            long evictionsBefore = map.EvictedUnsynchronized;
            switch (workload.Operations[i])
            {
                case PlanOperation.Access:
                    accesses += first[i] ? 0 : 1;
                    if (map.TryLookup(key, out _))
                    {
                        hits++;
                    }
                    else if (map.Update(key, i) == MapResult.Ok)
                    {
                        live++;
                    }

                    break;
                case PlanOperation.Write or PlanOperation.Refresh:
                    bool counted = workload.Operations[i] == PlanOperation.Write && !first[i];
                    accesses += counted ? 1 : 0;
                    bool present = map.TryPeek(key, out _);
                    if (present && counted)
                    {
                        hits++;
                    }

                    if (!(present && configuration.UpdateExistingInPlace && map.TryWrite(key, i)) && map.Update(key, i) == MapResult.Ok && !present)
                    {
                        live++;
                    }

                    break;
                default:
                    if (map.Delete(key) == MapResult.Ok)
                    {
                        live--;
                    }

                    break;
            }

            long evicted = map.EvictedUnsynchronized - evictionsBefore;
            if (evicted > 0)
            {
                // Exact again from the map: an update can evict the very key it writes (it takes a node first), which
                // the bookkeeping above cannot see. Only eviction steps pay for the count (a slot per CPU).
                live = map.Count;
                firstFill ??= (double)liveBefore / capacity;
                if (liveBefore < capacity)
                {
                    premature += evicted;
                }
            }
        }

        Debug.Assert(live == map.Count, "the planner's live count drifted from the map's");
        return new PlanResult(configuration, cpus, maxEntries, workload.Length, hits, accesses, map.EvictedUnsynchronized, premature, firstFill);
    }

    /// <summary>
    /// A size from <paramref name="min"/> to <paramref name="max"/> that meets <paramref name="target"/>, found by
    /// bisection, which assumes that a larger map does no worse: true of the trend, not always of neighbouring sizes
    /// (batched refills and second-chance rotation make the curve slightly uneven), so check sizes near the answer
    /// when it matters. Null if even <paramref name="max"/> does not meet the target.
    /// </summary>
    public static (int Size, PlanResult Result)? SmallestSize(PlanWorkload workload, PlanConfiguration configuration, int cpus, PlanTarget target,
        int min, int max, CpuRule rule = CpuRule.ByFlow, Action<PlanResult>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentOutOfRangeException.ThrowIfLessThan(min, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, min);
        PlanResult atMax = Replay(workload, configuration, cpus, max, rule);
        progress?.Invoke(atMax);
        if (!target.IsMetBy(atMax))
        {
            return null;
        }

        (int Size, PlanResult Result) best = (max, atMax);
        int low = min, high = max - 1;
        while (low <= high)
        {
            int mid = low + ((high - low) / 2);
            PlanResult result = Replay(workload, configuration, cpus, mid, rule);
            progress?.Invoke(result);
            if (target.IsMetBy(result))
            {
                best = (mid, result);
                high = mid - 1;
            }
            else
            {
                low = mid + 1;
            }
        }

        return best;
    }

    private static ulong Next(ref ulong state)
    {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        return state;
    }

    // A key's CPU under ByFlow: a fixed mix, so sequential keys (flow ids) spread over the CPUs.
    private static ulong Mix(ulong key)
    {
        key ^= key >> 33;
        key *= 0xFF51AFD7ED558CCDUL;
        key ^= key >> 33;
        return key;
    }
}
