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
            "a hit pays a seeded hash (hash-flooding resistance) and a sequence-counter read on each side of the copy (never a torn or foreign value with immediate node reuse); ~35 instructions, no call."),
        new("LRU lookup hit ≤ 0.6× ConcurrentLru", "MapLookupBenchmarks", r =>
            Ratio(Mean(r, "Common", ("Hit", "True")), Mean(r, "Lru", ("Hit", "True")), atMost: 0.6, ours: "LruHashMap", baseline: "ConcurrentLru"),
            "as above; memory placement moves identical lookup code between 4.1 and 6.1 ns from build to build."),
        new("Zipf get-or-add ≥ 3× FastConcurrentLru, 2 threads", "MapZipfBenchmarks", r =>
            Ratio(Mean(r, "FastLru", ("Threads", "2")), Mean(r, "Common", ("Threads", "2")), atLeast: 3, "LruHashMap Common", "FastConcurrentLru", throughput: true),
            "noisy on a shared 2-core machine: the 2-thread figures of all contenders move by ±25 % between runs (earlier runs: 3.28×, 2.56×)."),
        new("Per-CPU flavor 1→2 thread scaling ≥ 1.8×", "MapZipfBenchmarks", r =>
            Ratio(Mean(r, "PerCpu", ("Threads", "1")), Mean(r, "PerCpu", ("Threads", "2")), atLeast: 1.8, "2 threads", "1 thread", throughput: true),
            "hits scale (≈ 50 → 114 Mops/s) but at 40 % misses each miss writes bucket and node lines the other core just read (86 → 175 ns per miss); removing ref-bit writes changed nothing."),
        new("Hook ClusterIP connect ≤ 60 ns", "HookPathBenchmarks", r =>
            Absolute(Mean(r, "Hook", ("Path", "ClusterIpConnect"), ("Threads", "1"), ("Tables", "PerfKit")), Mean(r, "Hook", ("Path", "ClusterIpConnect"), ("Threads", "1"), ("Tables", "DotNetBaseline")), 60),
            "a new socket's connect must insert its reverse-NAT LRU entry and its release delete it (48 ns on a hot key) plus cache misses on the 262,144-bucket table; the read-only part is 68.5 ns."),
        new("Hook affinity hit ≤ 80 ns", "HookPathBenchmarks", r =>
            Absolute(Mean(r, "Hook", ("Path", "AffinityHit"), ("Threads", "1"), ("Tables", "PerfKit")), Mean(r, "Hook", ("Path", "AffinityHit"), ("Threads", "1"), ("Tables", "DotNetBaseline")), 80),
            "includes the same reverse-NAT insert and delete as ClusterIP connect, plus the affinity lookup and in-place refresh."),
        new("Hooks ≥ 3× ConcurrentDictionary + MemoryCache, mixed workload", "HookMixedBenchmarks", r =>
            Ratio(Mean(r, "Baseline", ("Threads", "1")), Mean(r, "PerfKit", ("Threads", "1")), atLeast: 3, "PerfKit", "baseline", throughput: true),
            "memory-bound at Cilium's default sizes (a 21 MB preallocated reverse-NAT LRU) and noisy here: repeated runs ranged from 0.86× to 1.98×."),
        new("EventSource cost with a filtering session ≤ 2 %", "DiagnosticsOverheadBenchmarks", r =>
        {
            double? none = Mean(r, "LookupsAndEvictingUpdates", ("Session", "None"));
            double? filtered = Mean(r, "LookupsAndEvictingUpdates", ("Session", "MapsFilteredOut"));
            return none is double n && filtered is double f
                ? new GoalOutcome(Ns(f), Ns(n), (f / n) - 1, ((f / n) - 1).ToString("+0.0 %;−0.0 %", CultureInfo.InvariantCulture), (f / n) - 1 <= 0.02, string.Empty)
                : null;
        }, "the guard itself is a static branch; what a live session adds on 2 cores is its reader thread competing for a core, and run-to-run noise of about ±3 % (earlier runs: −0.6 %)."),
    ];

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
