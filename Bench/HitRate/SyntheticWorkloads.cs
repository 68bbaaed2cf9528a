using System.Globalization;
using PerfKit.Bench.Infrastructure;
using PerfKit.Maps.Planning;

namespace PerfKit.Bench.HitRate;

/// <summary>
/// Built-in request streams that need no files, each the shape of a classic cache workload, deterministic (fixed
/// seeds): Zipf at three skews, a loop larger than most capacities, a scan mixed into a hot set, and a working set
/// that shifts.
/// </summary>
public static class SyntheticWorkloads
{
    /// <summary>Requests per workload.</summary>
    public const int Requests = 400_000;

    /// <summary>The capacities every synthetic workload is replayed at.</summary>
    public static readonly int[] Capacities = [256, 512, 1024, 2048, 4096];

    private const int ZipfKeys = 40_000;
    private const int LoopLength = 3_000;
    private const int HotSet = 1_000, HotRun = 7_500, ScanRun = 2_500;
    private const int WorkingSet = 1_500, Shift = 500, ShiftEvery = 50_000;

    /// <summary>Every synthetic workload's name, in report order.</summary>
    public static IReadOnlyList<string> Names { get; } = ["zipf-0.6", "zipf-0.9", "zipf-1.2", "loop-3000", "scan-in-hot-set", "shifting-working-set"];

    /// <summary>Generates the workload named <paramref name="name"/> (one of <see cref="Names"/>).</summary>
    public static CacheTrace Create(string name) => name switch
    {
        "zipf-0.6" or "zipf-0.9" or "zipf-1.2" => Zipf(name, double.Parse(name["zipf-".Length..], CultureInfo.InvariantCulture)),
        "loop-3000" => new CacheTrace(name, Capacities, [.. Enumerable.Range(0, Requests).Select(i => (long)(i % LoopLength))]),
        "scan-in-hot-set" => ScanInHotSet(name),
        "shifting-working-set" => ShiftingWorkingSet(name),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, $"not a synthetic workload; known: {string.Join(", ", Names)}"),
    };

    // Zipf over 40,000 keys: the popular keys fit in every capacity, the tail in none.
    private static CacheTrace Zipf(string name, double skew)
    {
        var sampler = new ZipfSampler(ZipfKeys, skew, seed: 17);
        return new CacheTrace(name, Capacities, [.. Enumerable.Range(0, Requests).Select(_ => (long)sampler.Next())]);
    }

    // Runs of 7,500 requests to a Zipf(0.9) hot set of 1,000 keys, each followed by a scan of 2,500 keys never seen
    // again: a policy that admits every scanned key pushes the hot set out.
    private static CacheTrace ScanInHotSet(string name)
    {
        var hot = new ZipfSampler(HotSet, 0.9, seed: 23);
        var keys = new long[Requests];
        long nextScanKey = 1_000_000;
        for (int i = 0; i < Requests; i++)
        {
            keys[i] = i % (HotRun + ScanRun) < HotRun ? hot.Next() : nextScanKey++;
        }

        return new CacheTrace(name, Capacities, keys);
    }

    // Zipf(0.9) over a working set of 1,500 keys whose window moves 500 keys every 50,000 requests: recency must
    // follow the move.
    private static CacheTrace ShiftingWorkingSet(string name)
    {
        var within = new ZipfSampler(WorkingSet, 0.9, seed: 29);
        var keys = new long[Requests];
        for (int i = 0; i < Requests; i++)
        {
            keys[i] = ((long)i / ShiftEvery * Shift) + within.Next();
        }

        return new CacheTrace(name, Capacities, keys);
    }
}
