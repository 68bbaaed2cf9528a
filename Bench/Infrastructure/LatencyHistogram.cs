using System.Diagnostics;
using HdrHistogram;

namespace PerfKit.Bench.Infrastructure;

/// <summary>Per-call latencies in nanoseconds (HdrHistogram, 3 significant digits, up to a minute).</summary>
public static class LatencyHistogram
{
    /// <summary>An empty histogram.</summary>
    public static LongHistogram Create() => new(60_000_000_000L, 3);

    /// <summary>Records the nanoseconds since <paramref name="startTimestamp"/> (a <see cref="Stopwatch.GetTimestamp"/>), the clock read included.</summary>
    public static void RecordSince(HistogramBase histogram, long startTimestamp)
    {
        ArgumentNullException.ThrowIfNull(histogram);
        long ticks = Stopwatch.GetTimestamp() - startTimestamp;
        histogram.RecordValue(Stopwatch.Frequency == 1_000_000_000 ? ticks : (long)(ticks * (1e9 / Stopwatch.Frequency)));
    }
}
