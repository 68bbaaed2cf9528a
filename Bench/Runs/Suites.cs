using PerfKit.Bench.Cookies;
using PerfKit.Bench.Diagnostics;
using PerfKit.Bench.Hooks;
using PerfKit.Bench.Machine;
using PerfKit.Bench.Maps;

namespace PerfKit.Bench.Runs;

/// <summary>A named group of benchmark classes that can be run on its own.</summary>
/// <param name="Name">The name given on the command line.</param>
/// <param name="Description">One line saying what it measures.</param>
/// <param name="Types">The benchmark classes.</param>
public sealed record Suite(string Name, string Description, IReadOnlyList<Type> Types);

/// <summary>Every suite the kit ships, in the order the default run takes them.</summary>
public static class Suites
{
    /// <summary>All suites.</summary>
    public static IReadOnlyList<Suite> All { get; } =
    [
        new("cookies", "Cookie generators: single-thread cost, and throughput at 1, 2 and 4 threads",
            [typeof(CookieCostBenchmarks), typeof(CookieThroughputBenchmarks)]),
        new("maps", "LRU hash map vs ConcurrentDictionary, BitFaster.Caching and MemoryCache: lookups, updates, evictions, Zipf mix at 1 and 2 threads, and what one cache line costs to move between cores",
            [typeof(MapLookupBenchmarks), typeof(MapUpdateBenchmarks), typeof(MapZipfBenchmarks), typeof(CacheLineTransferBenchmarks)]),
        new("hooks", "Socket load balancer hooks per path and on a mixed workload, on PerfKit's maps vs ConcurrentDictionary + MemoryCache",
            [typeof(HookPathBenchmarks), typeof(HookMixedBenchmarks)]),
        new("diagnostics", "Cost of the PerfKit instrumentation on an LRU hot path, against the uninstrumented build, with no session, a filtering session, and events on",
            [typeof(DiagnosticsOverheadBenchmarks)]),
    ];

    /// <summary>
    /// What a run with no arguments measures (about 10 minutes on 2 cores): the classes behind the headline goals.
    /// The default run then adds the memory table, the instrumentation cost, the hook latencies, the hit rates and its report.
    /// </summary>
    public static Suite Headline { get; } = new("headline", "The classes behind the headline goals (the default run)",
        [typeof(CookieThroughputBenchmarks), typeof(MapLookupBenchmarks), typeof(MapZipfBenchmarks), typeof(CacheLineTransferBenchmarks), typeof(HookPathBenchmarks),
         typeof(HookMixedBenchmarks), typeof(DiagnosticsOverheadBenchmarks)]);

    /// <summary>Finds a suite by name (case-insensitive); "all" is every suite, "headline" the default set.</summary>
    public static Suite? Find(string name) =>
        string.Equals(name, "all", StringComparison.OrdinalIgnoreCase) ? new Suite("all", "Every suite", [.. All.SelectMany(s => s.Types)])
        : string.Equals(name, Headline.Name, StringComparison.OrdinalIgnoreCase) ? Headline
        : All.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));
}
