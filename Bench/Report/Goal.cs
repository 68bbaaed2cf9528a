using System.Globalization;

namespace PerfKit.Bench.Report;

/// <summary>
/// A goal's evaluation on one run: our figure and the baseline's (both measured in that run), the ratio, whether it
/// passes, and the goal's score: the ratio as a multiple of the target (≥ 1 passes), with the range the two figures'
/// confidence intervals allow, for plots.
/// </summary>
public sealed record GoalOutcome(string Ours, string Baseline, string RatioText, bool Pass, double Score, double ScoreLow, double ScoreHigh);

/// <summary>
/// A goal of the kit: a ratio between figures measured in the same run. <see cref="Id"/> names its note,
/// <c>perf-results/notes/&lt;id&gt;.md</c>, which says what it measures and why it is short when it is.
/// </summary>
/// <param name="Id">Short stable name (kebab case): the note's file name and the goal's key in the trend.</param>
/// <param name="Name">What the goal promises, in one line.</param>
/// <param name="Evaluate">The outcome on one run, or null when the run did not measure it.</param>
/// <param name="SameRunContext">A sentence computed from the same run that helps read a shortfall (a ceiling the machine allows, say), or null.</param>
public sealed record Goal(string Id, string Name, Func<RunResults, GoalOutcome?> Evaluate, Func<RunResults, string?>? SameRunContext = null)
{
    /// <summary>A goal that <paramref name="ours"/> is at least <paramref name="target"/> times faster than <paramref name="baseline"/> (time per operation of each).</summary>
    public static GoalOutcome? Faster(BenchmarkTiming? ours, BenchmarkTiming? baseline, double target, string oursLabel, string baselineLabel, bool asThroughput)
    {
        if (ours is not { Mean: > 0 } o || baseline is not { Mean: > 0 } b)
        {
            return null;
        }

        double ratio = b.Mean / o.Mean;
        return new GoalOutcome(
            asThroughput ? $"{oursLabel} {Mops(o.Mean)}" : $"{oursLabel} {Results.BenchmarkResult.Ns(o.Mean)}",
            asThroughput ? $"{baselineLabel} {Mops(b.Mean)}" : $"{baselineLabel} {Results.BenchmarkResult.Ns(b.Mean)}",
            ratio.ToString("F2", CultureInfo.InvariantCulture) + "×", ratio >= target,
            ratio / target, b.Lower / o.Upper / target, b.Upper / o.Lower / target);
    }

    /// <summary>A goal that <paramref name="ours"/> takes at most <paramref name="limit"/> times <paramref name="baseline"/>'s time per operation.</summary>
    public static GoalOutcome? AtMost(BenchmarkTiming? ours, BenchmarkTiming? baseline, double limit, string oursLabel, string baselineLabel)
    {
        if (ours is not { Mean: > 0 } o || baseline is not { Mean: > 0 } b)
        {
            return null;
        }

        double ratio = o.Mean / b.Mean;
        return new GoalOutcome($"{oursLabel} {Results.BenchmarkResult.Ns(o.Mean)}", $"{baselineLabel} {Results.BenchmarkResult.Ns(b.Mean)}",
            ratio.ToString("F2", CultureInfo.InvariantCulture) + "×", ratio <= limit,
            limit / ratio, limit * b.Lower / o.Upper, limit * b.Upper / o.Lower);
    }

    private static string Mops(double nsPerOp) => (1000 / nsPerOp).ToString("N1", CultureInfo.InvariantCulture) + " Mops/s";
}

/// <summary>A time per operation with its confidence interval, nanoseconds.</summary>
public readonly record struct BenchmarkTiming(double Mean, double Lower, double Upper)
{
    /// <summary>The timing of <paramref name="result"/>, or null; an interval reaching below zero (a very noisy case) is cut at 1 % of the mean.</summary>
    public static BenchmarkTiming? Of(Results.BenchmarkResult? result) =>
        result is null ? null : new BenchmarkTiming(result.MeanNs, Math.Clamp(result.LowerNs, result.MeanNs / 100, result.MeanNs), Math.Max(result.UpperNs, result.MeanNs));

    /// <summary>
    /// This timing less <paramref name="other"/>'s (a loop's bare cost), the interval widened by the other's; null when
    /// the difference is not positive (the two measurements' noise is larger than what is left).
    /// </summary>
    public BenchmarkTiming? Minus(BenchmarkTiming other) =>
        Mean - other.Mean is > 0 and double net ? new BenchmarkTiming(net, Math.Max(net / 100, Lower - other.Upper), Upper - other.Lower) : null;
}
