using System.Globalization;
using PerfKit.Maps;
using static PerfKit.Bench.Report.BenchmarkResults;

namespace PerfKit.Bench.Report;

/// <summary>A goal's evaluation: our figure, the baseline measured in the same run, the ratio, and whether it passes.</summary>
public sealed record GoalOutcome(string Ours, string Baseline, double Ratio, string RatioText, bool Pass, string Source);

/// <summary>A headline goal from a benchmark class: how to evaluate it on one run's results of that class.</summary>
public sealed record BenchmarkGoal(string Name, string Type, Func<IReadOnlyList<BenchmarkResult>, GoalOutcome?> Evaluate, string WhyShort);

/// <summary>The headline goals of the kit (issues 2–5 and 7) and the measured reasons for the ones that fall short.</summary>
public static class HeadlineGoals
{
    /// <summary>Goals evaluated from BenchmarkDotNet results.</summary>
    public static IReadOnlyList<BenchmarkGoal> Benchmarks { get; } =
    [
        new("Batched cookies ≥ 10× shared atomic, 2 threads", "CookieThroughputBenchmarks", r =>
            Ratio(Mean(r, "Shared", ("Threads", "2")), Mean(r, "PerThread", ("Threads", "2")), atLeast: 10, "PerThread", "Shared", throughput: true),
            "PerCpuCookieGenerator (the faithful per-CPU design) needs one locked instruction per cookie (≈ 4.7 ns here) because managed threads are preemptible; PerThreadCookieGenerator meets the goal."),
        new("LRU lookup hit ≤ 1.0× ConcurrentDictionary", "MapLookupBenchmarks", r =>
            Ratio(Mean(r, "Common", ("Hit", "True")), Mean(r, "Dictionary", ("Hit", "True")), atMost: 1.0, ours: "LruHashMap", baseline: "ConcurrentDictionary"),
            "the loop is bound by the CPU's load ports: a hit issues 17 loads against ConcurrentDictionary's 11 (JIT listings, standalone harness); the extra ones are the sequence-counter read on each side of the copy (never a torn or foreign value with immediate node reuse), the reference-bit test, the counters' switch and two array null checks. Reading the table's arrays from the map itself and skipping the stored-hash compare for 8-byte keys took a hit with the keys in L1 from 2.45 to 1.77 ns (ConcurrentDictionary 1.28); in BenchmarkDotNet runs since, the ratio was 1.31×, 1.64×, 1.38× and 1.31×, the two LRU maps differing by up to 0.4 ns with their random hash seeds."),
        new("LRU lookup hit ≤ 0.6× ConcurrentLru", "MapLookupBenchmarks", r =>
            Ratio(Mean(r, "Common", ("Hit", "True")), Mean(r, "Lru", ("Hit", "True")), atMost: 0.6, ours: "LruHashMap", baseline: "ConcurrentLru"),
            "as above: the hit path's length; with the hash seed random per map, chain lengths (and so the figure) move from run to run."),
        new("Zipf get-or-add ≥ 3× FastConcurrentLru, 2 threads", "MapZipfBenchmarks", r =>
            Ratio(Mean(r, "FastLru", ("Threads", "2")), Mean(r, "Common", ("Threads", "2")), atLeast: 3, "LruHashMap Common", "FastConcurrentLru", throughput: true),
            "noisy on a shared 2-core machine: the 2-thread figures of all contenders move by ±25 % between runs (runs so far: 3.39×, 3.28×, 2.79×, 2.84×, 3.11×, 3.57×)."),
        new("Per-CPU flavor 1→2 thread scaling ≥ 1.8×", "MapZipfBenchmarks", r =>
            Ratio(Mean(r, "PerCpu", ("Threads", "1")), Mean(r, "PerCpu", ("Threads", "2")), atLeast: 1.8, "2 threads", "1 thread", throughput: true),
            "what remains is the shared hash table: at 40 % misses every insert and eviction writes a bucket line (8 buckets to a line) that the other core reads for its hot keys; giving every bucket its own line (an experiment: 56 more bytes per entry, which the memory goal forbids) gave 1.54×. Per-CPU list heads and list objects already have cache lines of their own. Runs: 1.02–1.30× before that, 1.08–1.38× after, 1.48×, 1.53× and 1.50× with the lighter lookup; the 2-thread figures move ±25 % between runs. ConcurrentDictionary, all hits, scales 1.9×."),
        new("Hook ClusterIP connect ≤ 60 ns", "HookPathBenchmarks", r =>
            Absolute(Mean(r, "Hook", ("Path", "ClusterIpConnect"), ("Threads", "1"), ("Tables", "PerfKit")), Mean(r, "Hook", ("Path", "ClusterIpConnect"), ("Threads", "1"), ("Tables", "DotNetBaseline")), 60),
            "on the edge: BenchmarkDotNet runs of HookPathBenchmarks gave 59.1 ns (commit 3a79fbd), 68.9 and 60.5 ns (36d82bb), 58.9 ns (dee8851) and 58.4 ns (79ddfd9), and one build in the standalone harness moved between 59 and 69 ns as the shared machine's load changed. Where it goes (perf, standalone harness): three locked instructions, about 5 ns each (the CPU's local LRU lock to take a node, the reverse-NAT bucket lock, the socket's record lock, which stands in for the kernel's lock_sock around the hook), the new key's reverse-NAT bucket line (about 6 ns), the LRU refill every 128 inserts (about 4 ns) and four hash lookups. Writing keys and the hook result as whole words (a failed store-to-load forward cost 8.5 ns per lookup) and hashing the reverse-NAT key once took the connect from 85 to 57–60 ns; the release, counted in the connect figure before (126 ns), is its own row now."),
        new("Hook affinity hit ≤ 80 ns", "HookPathBenchmarks", r =>
            Absolute(Mean(r, "Hook", ("Path", "AffinityHit"), ("Threads", "1"), ("Tables", "PerfKit")), Mean(r, "Hook", ("Path", "AffinityHit"), ("Threads", "1"), ("Tables", "DotNetBaseline")), 80),
            "the ClusterIP connect work plus the affinity lookup, the affinity-match lookup and the in-place refresh of last-used under the bucket lock."),
        new("Hooks ≥ 3× ConcurrentDictionary + MemoryCache, mixed workload", "HookMixedBenchmarks", r =>
            Ratio(Mean(r, "Baseline", ("Threads", "1")), Mean(r, "PerfKit", ("Threads", "1")), atLeast: 3, "PerfKit", "baseline", throughput: true),
            "memory-bound: perf puts about 40 % of a call in five dependent cache misses (a service slot's bucket and node, the backend's bucket and node, the new reverse-NAT key's bucket), the two-miss-per-lookup layout of the kernel's maps (a bucket array sized to max entries, then the node) at Cilium's default sizes. ConcurrentDictionary pays the same two misses per lookup, so the ratio measures MemoryCache's extra work. The store-forwarding fix took it from 1.45× to 1.20–1.85× (four runs): the workload's table contents are the same every round (14,341 reverse-NAT entries after the first), yet one process measured 203–287 ns a call from iteration to iteration, the shared machine's memory system moving it."),
    ];

    /// <summary>The instrumentation's cost with no listener, from the paired <c>overhead</c> command: passes when the whole 95 % interval is at most 2 %.</summary>
    public static GoalOutcome? InstrumentationCost(string csv) =>
        Diagnostics.OverheadCommand.Read(csv) is { } r
            ? new GoalOutcome(
                $"instrumented {Ns(r.InstrumentedNs)}", $"uninstrumented {Ns(r.UninstrumentedNs)} (same process)", r.DifferencePercent,
                string.Create(CultureInfo.InvariantCulture, $"{r.DifferencePercent:+0.00;−0.00} % (95 %: {r.LowPercent:+0.00;−0.00} … {r.HighPercent:+0.00;−0.00} %)"),
                r.HighPercent <= 2, string.Empty)
            : null;

    /// <summary>Why the instrumentation cost would be short, if it were.</summary>
    public const string InstrumentationCostWhyShort =
        "the guards are static branches, which the uninstrumented copies do not have; a result above 2 % would mean a guard landed in a hot loop.";

    /// <summary>Steal-before-shrink: first eviction at ≥ 99 % fill (2 CPUs, 1,000 entries), beside the kernel's order.</summary>
    public static GoalOutcome FirstEvictionFill()
    {
        double steal = Reliability.FirstEviction.FillAt(1000, FreeTargetPolicy.Adaptive, stealBeforeShrink: true);
        double kernel = Reliability.FirstEviction.FillAt(1000, FreeTargetPolicy.Adaptive, stealBeforeShrink: false);
        return new GoalOutcome(steal.ToString("P1", CultureInfo.InvariantCulture), kernel.ToString("P1", CultureInfo.InvariantCulture) + " (kernel order)",
            steal, steal.ToString("P1", CultureInfo.InvariantCulture), steal >= 0.99, "computed by the report (deterministic)");
    }

    private static GoalOutcome? Ratio(double? numeratorNs, double? denominatorNs, double atLeast = double.NaN, string ours = "", string baseline = "", bool throughput = false, double atMost = double.NaN)
    {
        if (numeratorNs is not double a || denominatorNs is not double b)
        {
            return null;
        }

        double ratio = a / b;
        bool pass = double.IsNaN(atLeast) ? ratio <= atMost : ratio >= atLeast;
        string oursText = throughput ? $"{ours} {1000 / b:N1} Mops/s" : $"{ours} {Ns(a)}";
        string baseText = throughput ? $"{baseline} {1000 / a:N1} Mops/s" : $"{baseline} {Ns(b)}";
        return new GoalOutcome(oursText, baseText, ratio, ratio.ToString("F2", CultureInfo.InvariantCulture) + "×", pass, string.Empty);
    }

    private static GoalOutcome? Absolute(double? ours, double? baseline, double limitNs) =>
        ours is double o && baseline is double b
            ? new GoalOutcome(Ns(o), Ns(b), o, $"{b / o:F2}× faster than baseline", o <= limitNs, string.Empty)
            : null;
}
