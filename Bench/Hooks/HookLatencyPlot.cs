using PerfKit.Bench.Infrastructure;
using ScottPlot;

namespace PerfKit.Bench.Hooks;

/// <summary>The hook latency percentiles per scenario on a log scale: p50, p99, p99.9 and max as markers, PerfKit and the baseline side by side.</summary>
public static class HookLatencyPlot
{
    /// <summary>Draws <paramref name="results"/> to <paramref name="path"/>.</summary>
    public static void Save(IReadOnlyList<HookLatencyCommand.Result> results, string path, string caption)
    {
        ArgumentNullException.ThrowIfNull(results);
        var plot = new Plot();
        double[] xs = [.. Enumerable.Range(0, results.Count).Select(i => (double)i)];
        (string Name, Func<HookLatencyCommand.Result, long> Value, MarkerShape Shape, Color Color)[] series =
        [
            ("p50", r => r.P50, MarkerShape.FilledCircle, Colors.SteelBlue),
            ("p99", r => r.P99, MarkerShape.FilledSquare, Colors.DarkOrange),
            ("p99.9", r => r.P999, MarkerShape.FilledTriangleUp, Colors.SeaGreen),
            ("max", r => r.Max, MarkerShape.Cross, Colors.Crimson),
        ];
        foreach ((string name, Func<HookLatencyCommand.Result, long> value, MarkerShape shape, Color color) in series)
        {
            var scatter = plot.Add.ScatterPoints(xs, [.. results.Select(r => Math.Log10(Math.Max(1, value(r))))]);
            scatter.LegendText = name;
            scatter.MarkerShape = shape;
            scatter.MarkerSize = 9;
            scatter.Color = color;
        }

        plot.Axes.Bottom.SetTicks(xs, [.. results.Select(r => $"{r.Scenario}: {r.Tables}")]);
        plot.Axes.Bottom.TickLabelStyle.Rotation = -45;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleRight;
        plot.Axes.Bottom.MinimumSize = 260;
        double[] decades = [1, 2, 3, 4, 5, 6, 7, 8];
        plot.Axes.Left.SetTicks(decades, ["10 ns", "100 ns", "1 µs", "10 µs", "100 µs", "1 ms", "10 ms", "100 ms"]);
        plot.ShowLegend(Alignment.UpperLeft);
        PlotLook.Save(plot, "Hook latency percentiles, a control plane churning beside", caption, string.Empty, "latency per call (log scale)", path, 1300, 760);
    }
}
