using System.Reflection;
using BenchmarkDotNet.Attributes;

namespace PerfKit.Bench.Runs;

/// <summary>A named group of benchmark classes that can be run on its own.</summary>
/// <param name="Name">The name given on the command line, and the classes' BenchmarkDotNet category.</param>
/// <param name="Description">One line saying what it measures.</param>
/// <param name="Types">The benchmark classes.</param>
public sealed record Suite(string Name, string Description, IReadOnlyList<Type> Types);

/// <summary>The suite names, which are the BenchmarkDotNet categories the benchmark classes carry.</summary>
public static class SuiteCategories
{
    /// <summary>Cookie generators.</summary>
    public const string Cookies = "cookies";

    /// <summary>The maps and their contenders.</summary>
    public const string Maps = "maps";

    /// <summary>The socket load balancer's hooks.</summary>
    public const string Hooks = "hooks";

    /// <summary>The instrumentation's cost.</summary>
    public const string Diagnostics = "diagnostics";

    /// <summary>The classes behind the headline goals: what the default run measures.</summary>
    public const string Headline = "headline";
}

/// <summary>
/// Every suite the kit ships. The one registry is the <see cref="BenchmarkCategoryAttribute"/> on each benchmark class
/// (<c>[BenchmarkCategory(SuiteCategories.Maps, SuiteCategories.Headline)]</c>); this class only describes the names.
/// </summary>
public static class Suites
{
    private static readonly Type[] Classes = [.. typeof(Suites).Assembly.GetTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false } && t.GetCustomAttributes<BenchmarkCategoryAttribute>(inherit: false).Any())
        .OrderBy(t => t.FullName, StringComparer.Ordinal)];

    /// <summary>All suites, in the order the help lists them.</summary>
    public static IReadOnlyList<Suite> All { get; } =
    [
        Of(SuiteCategories.Cookies, "Cookie generators: single-thread cost, and throughput at 1, 2 and 4 threads"),
        Of(SuiteCategories.Maps, "LRU hash map vs ConcurrentDictionary, BitFaster.Caching and MemoryCache: lookups, updates, evictions, Zipf mix at 1 and 2 threads, and what one cache line costs to move between cores"),
        Of(SuiteCategories.Hooks, "Socket load balancer hooks per path and on a mixed workload, on PerfKit's maps vs ConcurrentDictionary + MemoryCache"),
        Of(SuiteCategories.Diagnostics, "Cost of the PerfKit instrumentation on an LRU hot path, against the uninstrumented build, with no session, a filtering session, and events on"),
    ];

    /// <summary>
    /// What a run with no arguments measures (about 10 minutes on 2 cores): the classes behind the headline goals.
    /// The default run then adds the memory table, the instrumentation cost, the hook latencies, the hit rates and its report.
    /// </summary>
    public static Suite Headline { get; } = Of(SuiteCategories.Headline, "The classes behind the headline goals (the default run)");

    /// <summary>Finds a suite by name (case-insensitive); "all" is every suite, "headline" the default set.</summary>
    public static Suite? Find(string name) =>
        string.Equals(name, "all", StringComparison.OrdinalIgnoreCase) ? new Suite("all", "Every suite", [.. All.SelectMany(s => s.Types).Distinct()])
        : string.Equals(name, Headline.Name, StringComparison.OrdinalIgnoreCase) ? Headline
        : All.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));

    private static Suite Of(string category, string description) =>
        new(category, description, [.. Classes.Where(t => t.GetCustomAttributes<BenchmarkCategoryAttribute>(inherit: false).Any(a => a.Categories.Contains(category)))]);
}
