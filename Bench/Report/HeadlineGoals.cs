using System.Globalization;
using PerfKit.Bench.Cookies;
using PerfKit.Bench.Diagnostics;
using PerfKit.Bench.Hooks;
using PerfKit.Bench.Machine;
using PerfKit.Bench.Maps;
using PerfKit.Bench.Memory;
using PerfKit.Hooks;

namespace PerfKit.Bench.Report;

/// <summary>
/// The kit's goals, each a ratio of two figures measured in the same run, bound to the benchmarks that measure them
/// by <c>typeof</c> and <c>nameof</c> (renaming a benchmark breaks this file's build). Why a goal is short is said in
/// its note, perf-results/notes/&lt;id&gt;.md, not here.
/// </summary>
public static class HeadlineGoals
{
    private const string Two = "2", One = "1";

    /// <summary>Every goal, in report order.</summary>
    public static IReadOnlyList<Goal> All { get; } =
    [
        new("batched-cookies", "Batched cookies ≥ 10× shared atomic, 2 threads", r =>
            Goal.Faster(r.Timing(typeof(CookieThroughputBenchmarks), nameof(CookieThroughputBenchmarks.PerThread), (nameof(CookieThroughputBenchmarks.Threads), Two)),
                r.Timing(typeof(CookieThroughputBenchmarks), nameof(CookieThroughputBenchmarks.Shared), (nameof(CookieThroughputBenchmarks.Threads), Two)),
                10, "PerThread", "Shared", asThroughput: true)),
        new("lookup-vs-concurrentdictionary", "LRU lookup hit ≤ 1.0× ConcurrentDictionary", r =>
            Goal.AtMost(Lookup(r, nameof(MapLookupBenchmarks.Common)), Lookup(r, nameof(MapLookupBenchmarks.Dictionary)), 1.0, "LruHashMap", "ConcurrentDictionary")),
        new("lookup-vs-concurrentlru", "LRU lookup hit ≤ 0.6× ConcurrentLru", r =>
            Goal.AtMost(Lookup(r, nameof(MapLookupBenchmarks.Common)), Lookup(r, nameof(MapLookupBenchmarks.Lru)), 0.6, "LruHashMap", "ConcurrentLru")),
        new("lookup-vs-kernel", "LRU lookup hit ≤ 0.3× the running kernel's", r =>
            Goal.AtMost(Lookup(r, nameof(MapLookupBenchmarks.Common)),
                KernelNet(Lookup(r, nameof(MapLookupBenchmarks.Kernel)), Lookup(r, nameof(MapLookupBenchmarks.KernelLoopAlone))),
                0.3, "LruHashMap", "kernel LRU_HASH, BPF loop subtracted")),
        new("zipf-vs-fastconcurrentlru", "Zipf get-or-add ≥ 3× FastConcurrentLru, 2 threads", r =>
            Goal.Faster(Zipf(r, nameof(MapZipfBenchmarks.Common), Two), Zipf(r, nameof(MapZipfBenchmarks.FastLru), Two), 3, "LruHashMap Common", "FastConcurrentLru", asThroughput: true)),
        new("percpu-scaling", "Per-CPU flavor 1→2 thread scaling ≥ 1.8×", r =>
            Goal.Faster(Zipf(r, nameof(MapZipfBenchmarks.PerCpu), Two), Zipf(r, nameof(MapZipfBenchmarks.PerCpu), One), 1.8, "2 threads", "1 thread", asThroughput: true),
            ScalingContext),
        new("zipf-vs-kernel-1-thread", "Zipf get-or-add ≥ 2× the running kernel's throughput, 1 thread", r =>
            Goal.Faster(Zipf(r, nameof(MapZipfBenchmarks.Common), One),
                KernelNet(Zipf(r, nameof(MapZipfBenchmarks.KernelCommon), One), Zipf(r, nameof(MapZipfBenchmarks.KernelLoopAlone), One)),
                2, "LruHashMap Common", "kernel LRU_HASH", asThroughput: true)),
        new("zipf-vs-kernel-2-threads", "Zipf get-or-add ≥ 2× the running kernel's throughput, 2 threads", r =>
            Goal.Faster(Zipf(r, nameof(MapZipfBenchmarks.Common), Two),
                KernelNet(Zipf(r, nameof(MapZipfBenchmarks.KernelCommon), Two), Zipf(r, nameof(MapZipfBenchmarks.KernelLoopAlone), Two)),
                2, "LruHashMap Common", "kernel LRU_HASH", asThroughput: true)),
        .. Enum.GetValues<HookPath>().Select(path => new Goal(
            HookGoalId(path), $"Hook {path} ≥ 2× ConcurrentDictionary + MemoryCache, 1 and 2 threads", r => HookPathSpeedup(r, path))),
        new("hooks-mixed", "Hooks ≥ 2× ConcurrentDictionary + MemoryCache, mixed workload", r =>
            Goal.Faster(Mixed(r, nameof(HookMixedBenchmarks.PerfKit)), Mixed(r, nameof(HookMixedBenchmarks.Baseline)), 2, "PerfKit", "baseline", asThroughput: true),
            MixedFloorContext),
        new("memory-per-entry", "LRU map ≤ 0.5× ConcurrentLru bytes per entry at 1 M entries", MemoryPerEntry),
        new("steady-state-gcs", "0 GCs during a steady-state update loop", SteadyStateCollections),
        new("instrumentation-cost", "EventSource cost with no listener ≤ 2 %", InstrumentationCost),
        new("first-eviction-fill", "First eviction at ≥ 99 % fill with steal-before-shrink (2 CPUs, 1,000 entries)", FirstEvictionFill),
    ];

    /// <summary>The goal id of a hook path: <c>hook-</c> and the path's name in kebab case.</summary>
    public static string HookGoalId(HookPath path) =>
        "hook-" + string.Concat(path.ToString().Select((c, i) => i > 0 && char.IsUpper(c) ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    private static BenchmarkTiming? Lookup(RunResults r, string method) =>
        r.Timing(typeof(MapLookupBenchmarks), method, (nameof(MapLookupBenchmarks.Hit), bool.TrueString));

    private static BenchmarkTiming? Zipf(RunResults r, string method, string threads) =>
        r.Timing(typeof(MapZipfBenchmarks), method, (nameof(MapZipfBenchmarks.Threads), threads));

    private static BenchmarkTiming? Mixed(RunResults r, string method) =>
        r.Timing(typeof(HookMixedBenchmarks), method, (nameof(HookMixedBenchmarks.Threads), One));

    /// <summary>One hook path's timing in <paramref name="r"/> at <paramref name="threads"/> threads on <paramref name="tables"/>, or null.</summary>
    internal static BenchmarkTiming? Hook(RunResults r, HookPath path, string threads, HookTables tables) =>
        r.Timing(typeof(HookPathBenchmarks), nameof(HookPathBenchmarks.Hook),
            (nameof(HookPathBenchmarks.Path), path.ToString()), (nameof(HookPathBenchmarks.Threads), threads), (nameof(HookPathBenchmarks.Tables), tables.ToString()));

    /// <summary>A kernel row less its bare BPF loop (the <c>KernelLoopAlone</c> row with the same parameters): the map calls alone.</summary>
    private static BenchmarkTiming? KernelNet(BenchmarkTiming? total, BenchmarkTiming? loop) =>
        total is { } t && loop is { } l ? t.Minus(l) : null;

    /// <summary>One hook path's speedup over the baseline tables: the smaller of the 1- and 2-thread ratios, both shown.</summary>
    private static GoalOutcome? HookPathSpeedup(RunResults r, HookPath path)
    {
        GoalOutcome? one = Goal.Faster(Hook(r, path, One, HookTables.PerfKit), Hook(r, path, One, HookTables.DotNetBaseline), 2, string.Empty, string.Empty, asThroughput: false);
        GoalOutcome? two = Goal.Faster(Hook(r, path, Two, HookTables.PerfKit), Hook(r, path, Two, HookTables.DotNetBaseline), 2, string.Empty, string.Empty, asThroughput: false);
        if (one is null || two is null)
        {
            return null;
        }

        GoalOutcome worst = one.Score <= two.Score ? one : two;
        return worst with
        {
            Ours = $"{one.Ours.Trim()} · {two.Ours.Trim()} (1 · 2 threads)",
            Baseline = $"{one.Baseline.Trim()} · {two.Baseline.Trim()}",
            RatioText = $"{one.RatioText} · {two.RatioText}",
            Pass = one.Pass && two.Pass,
        };
    }

    /// <summary>For the scaling goal: what one cache line's hand-off costs here, and how a map per thread and ConcurrentDictionary scale in the same run.</summary>
    private static string? ScalingContext(RunResults r) =>
        Zipf(r, nameof(MapZipfBenchmarks.PerCpuMapPerThread), One) is { } one && Zipf(r, nameof(MapZipfBenchmarks.PerCpuMapPerThread), Two) is { } two
            && Zipf(r, nameof(MapZipfBenchmarks.Dictionary), One) is { } cd1 && Zipf(r, nameof(MapZipfBenchmarks.Dictionary), Two) is { } cd2
            && r.Timing(typeof(CacheLineTransferBenchmarks), nameof(CacheLineTransferBenchmarks.HandOff)) is { } handOff
            ? string.Create(CultureInfo.InvariantCulture,
                $"Same run: one cache line handed between the two threads took {handOff.Mean:F1} ns a hand-off; the same work with a map per thread (nothing shared) scaled {one.Mean / two.Mean:F2}×, and ConcurrentDictionary (all hits, no writes) {cd1.Mean / cd2.Mean:F2}×.")
            : null;

    /// <summary>
    /// For the mixed goal: the mix's calls priced at the single-thread per-path figures of the same run (small tables,
    /// ClusterIP paths only, so a floor), for PerfKit and for the baseline: 65 % release + connect, 1 % release, 20 %
    /// UDP connect and sendmsg, 14 % recvmsg and getpeername. The ratio of the two floors is what the mix would give if
    /// no table ever missed the cache.
    /// </summary>
    private static string? MixedFloorContext(RunResults r)
    {
        double? Floor(HookTables tables) =>
            Hook(r, HookPath.Release, One, tables) is { } release && Hook(r, HookPath.ClusterIpConnect, One, tables) is { } connect
                && Hook(r, HookPath.UdpSendMsgRevNatHit, One, tables) is { } send && Hook(r, HookPath.RecvMsg, One, tables) is { } receive
                ? (0.65 * (release.Mean + connect.Mean)) + (0.01 * release.Mean) + (0.20 * send.Mean) + (0.14 * receive.Mean)
                : null;

        return Floor(HookTables.PerfKit) is double ours && Floor(HookTables.DotNetBaseline) is double theirs && Mixed(r, nameof(HookMixedBenchmarks.Baseline)) is { } baseline
            ? string.Create(CultureInfo.InvariantCulture,
                $"Same run: 2× needs at most {baseline.Mean / 2:F0} ns a call (baseline {baseline.Mean:F0} ns). Priced at this run's single-thread per-path figures, the mix's calls take {ours:F0} ns on PerfKit's maps and {theirs:F0} ns on the baseline's: {theirs / ours:F2}× with every table in cache.")
            : null;
    }

    private static GoalOutcome? MemoryPerEntry(RunResults r)
    {
        if (MemoryCommand.Read(r.MemoryCsv) is not { } rows)
        {
            return null;
        }

        if (rows.FirstOrDefault(x => x.Structure == MemoryCommand.ConcurrentLruName) is not { BytesPerEntry: > 0 } baseline
            || rows.Where(x => x.Structure.StartsWith(MemoryCommand.LruHashMapPrefix, StringComparison.Ordinal)).Select(x => x.BytesPerEntry).DefaultIfEmpty(0).Max() is not (> 0 and double ours))
        {
            return null;
        }

        double lru = baseline.BytesPerEntry;
        double ratio = ours / lru;
        return new GoalOutcome($"{ours:F1} B/entry", $"ConcurrentLru {lru:F1} B/entry", ratio.ToString("F2", CultureInfo.InvariantCulture) + "×", ratio <= 0.5,
            0.5 / ratio, 0.5 / ratio, 0.5 / ratio);
    }

    private static GoalOutcome? SteadyStateCollections(RunResults r)
    {
        if (MemoryCommand.Read(r.MemoryCsv) is not { } rows)
        {
            return null;
        }

        int collections = rows.Where(x => x.Structure.StartsWith(MemoryCommand.LruHashMapPrefix, StringComparison.Ordinal)).Sum(x => x.Gen0 + x.Gen1 + x.Gen2);
        double score = 1.0 / (1 + collections);
        return new GoalOutcome($"{collections} (both flavors)", "MemoryCache: see the memory table", collections.ToString(CultureInfo.InvariantCulture), collections == 0, score, score, score);
    }

    private static GoalOutcome? InstrumentationCost(RunResults r)
    {
        if (OverheadCommand.Read(r.OverheadCsv) is not { } o)
        {
            return null;
        }

        // Score: how far the interval's upper end stays under the 2 % limit, as a multiple (1 at the limit).
        static double Score(double percent) => 2.0 / Math.Max(0.01, percent);
        return new GoalOutcome($"instrumented {Results.BenchmarkResult.Ns(o.InstrumentedNs)}", $"uninstrumented {Results.BenchmarkResult.Ns(o.UninstrumentedNs)} (same process)",
            string.Create(CultureInfo.InvariantCulture, $"{o.DifferencePercent:+0.00;−0.00} % (95 %: {o.LowPercent:+0.00;−0.00} … {o.HighPercent:+0.00;−0.00} %)"),
            o.HighPercent <= 2, Score(o.HighPercent), Score(o.HighPercent), Score(o.LowPercent));
    }

    private static GoalOutcome? FirstEvictionFill(RunResults r)
    {
        if (FirstEvictionStep.Read(r.FirstEvictionCsv) is not { } fill)
        {
            return null;
        }

        string steal = fill.StealBeforeShrink.ToString("P1", CultureInfo.InvariantCulture);
        double score = fill.StealBeforeShrink / 0.99;
        return new GoalOutcome(steal, fill.KernelOrder.ToString("P1", CultureInfo.InvariantCulture) + " (kernel order)", steal, fill.StealBeforeShrink >= 0.99, score, score, score);
    }
}
