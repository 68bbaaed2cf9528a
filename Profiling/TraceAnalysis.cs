using System.Globalization;
using System.Text;

namespace PerfKit.Profiling;

/// <summary>What a trace says about the kit. <see cref="ToMarkdown"/> renders the report.</summary>
public sealed record TraceAnalysis
{
    /// <summary>The analysed file.</summary>
    public required string TracePath { get; init; }

    /// <summary>Events in the trace.</summary>
    public long EventCount { get; init; }

    /// <summary>Managed CPU samples (EventPipe SampleProfiler).</summary>
    public long CpuSamples { get; init; }

    /// <summary>PerfKit methods by inclusive CPU samples, most first (safe-point biased).</summary>
    public IReadOnlyList<(string Method, long Samples)> TopMethods { get; init; } = [];

    /// <summary>Garbage collections (from the runtime's GC analysis) by generation 0, 1, 2.</summary>
    public IReadOnlyList<int> GcsByGeneration { get; init; } = [0, 0, 0];

    /// <summary>Total and longest GC pause, in milliseconds.</summary>
    public (double Total, double Max) GcPauseMs { get; init; }

    /// <summary>Lock contentions, how many had a PerfKit frame on the stack, and the total wait in milliseconds.</summary>
    public (long Count, long WithPerfKitFrame, double WaitMs) Contention { get; init; }

    /// <summary>PerfKit events by name.</summary>
    public IReadOnlyDictionary<string, long> PerfKitEvents { get; init; } = new Dictionary<string, long>();

    /// <summary>PerfKit EventCounters: the mean increment per interval of each counter, and the interval.</summary>
    public IReadOnlyDictionary<string, (double MeanIncrement, double IntervalSec)> CounterRates { get; init; } = new Dictionary<string, (double, double)>();

    /// <summary>Where the speedscope JSON was written, if it was.</summary>
    public string? SpeedscopePath { get; init; }

    /// <summary>The report as markdown.</summary>
    public string ToMarkdown()
    {
        var md = new StringBuilder();
        md.Append(CultureInfo.InvariantCulture, $"# Trace analysis: {Path.GetFileName(TracePath)}\n\n");
        md.Append(CultureInfo.InvariantCulture, $"{EventCount:N0} events, {CpuSamples:N0} managed CPU samples.");
        if (SpeedscopePath is not null)
        {
            md.Append(CultureInfo.InvariantCulture, $" Flame graph: [{Path.GetFileName(SpeedscopePath)}]({Path.GetFileName(SpeedscopePath)}) (open in speedscope.app).");
        }

        md.Append("\n\n## Top PerfKit methods by inclusive CPU samples\n\n")
          .Append("EventPipe samples threads at safe points, so time is attributed to where threads stopped, not where they burned ")
          .Append("CPU: read inclusive shares, and treat leaf frames with caution.\n\n| method | samples | inclusive |\n|---|---:|---:|\n");
        foreach ((string method, long samples) in TopMethods)
        {
            md.Append(CultureInfo.InvariantCulture, $"| `{method}` | {samples:N0} | {Percent(samples, CpuSamples)} |\n");
        }

        md.Append(CultureInfo.InvariantCulture, $"\n## GC\n\n{GcsByGeneration.Sum()} collections (gen0 {GcsByGeneration[0]}, gen1 {GcsByGeneration[1]}, gen2 {GcsByGeneration[2]}), ")
          .Append(CultureInfo.InvariantCulture, $"total pause {GcPauseMs.Total:F1} ms, longest {GcPauseMs.Max:F2} ms (the runtime's GC analysis, not SuspendEE pairs).\n")
          .Append(CultureInfo.InvariantCulture, $"\n## Lock contention\n\n{Contention.Count:N0} contentions ({Contention.WithPerfKitFrame:N0} with a PerfKit frame on the stack), total wait {Contention.WaitMs:F1} ms.\n")
          .Append("\n## PerfKit events\n\n| event | count |\n|---|---:|\n");
        foreach ((string name, long count) in PerfKitEvents.OrderByDescending(e => e.Value))
        {
            md.Append(CultureInfo.InvariantCulture, $"| {name} | {count:N0} |\n");
        }

        md.Append("\n## PerfKit counters\n\n| counter | mean per interval | per second |\n|---|---:|---:|\n");
        foreach ((string name, (double mean, double interval)) in CounterRates.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            md.Append(CultureInfo.InvariantCulture, $"| {name} | {mean:N1} | {(interval > 0 ? mean / interval : 0):N0} |\n");
        }

        return md.ToString();
    }

    private static string Percent(long part, long whole) =>
        whole == 0 ? "—" : (100.0 * part / whole).ToString("F1", CultureInfo.InvariantCulture) + " %";
}
