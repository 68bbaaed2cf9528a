using PerfKit.Bench.Infrastructure;
using ScottPlot;

namespace PerfKit.Bench.HitRate;

/// <summary>Hit rate against capacity, one line per policy, as a PNG (ScottPlot).</summary>
public static class HitRatePlot
{
    /// <summary>Draws the results of one workload to <paramref name="path"/>, captioned with <paramref name="caption"/>.</summary>
    public static void Save(string trace, IReadOnlyList<HitRateCommand.Result> results, string path, string caption)
    {
        var plot = new Plot();
        int[] capacities = results.Select(r => r.Capacity).Distinct().Order().ToArray();
        double[] xs = capacities.Select(c => Math.Log2(c)).ToArray();
        MarkerShape[] shapes = [MarkerShape.FilledCircle, MarkerShape.OpenCircle, MarkerShape.FilledSquare, MarkerShape.OpenSquare, MarkerShape.FilledTriangleUp, MarkerShape.Cross];
        for (int p = 0; p < HitRatePolicies.Names.Length; p++)
        {
            string policy = HitRatePolicies.Names[p];
            double[] ys = capacities.Select(c => results.Single(r => r.Capacity == c && r.Policy == policy).HitRate).ToArray();
            var line = plot.Add.Scatter(xs, ys, PlotLook.Palette[p % PlotLook.Palette.Length]);
            line.LegendText = policy;
            line.MarkerSize = 9;
            line.MarkerShape = shapes[p % shapes.Length]; // equal hit rates overlap: the shapes keep every policy visible
        }

        plot.Axes.Bottom.SetTicks(xs, capacities.Select(c => c.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray());
        plot.ShowLegend(Alignment.UpperLeft);
        PlotLook.Save(plot, $"Hit rate against capacity: {trace}", caption, "capacity (entries, log scale)", "hit rate (%)", path, 1000, 620);
    }
}
