using ScottPlot;

namespace PerfKit.Bench.HitRate;

/// <summary>Hit rate against capacity, one line per policy, as a PNG (ScottPlot).</summary>
public static class HitRatePlot
{
    /// <summary>Draws the results of one trace to <paramref name="path"/>.</summary>
    public static void Save(string trace, IReadOnlyList<HitRateCommand.Result> results, string path)
    {
        var plot = new Plot();
        int[] capacities = results.Select(r => r.Capacity).Distinct().Order().ToArray();
        double[] xs = capacities.Select(c => Math.Log2(c)).ToArray();
        foreach (string policy in HitRatePolicies.Names)
        {
            double[] ys = capacities.Select(c => results.Single(r => r.Capacity == c && r.Policy == policy).HitRate).ToArray();
            var line = plot.Add.Scatter(xs, ys);
            line.LegendText = policy;
            line.MarkerSize = 6;
        }

        plot.Axes.Bottom.SetTicks(xs, capacities.Select(c => c.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray());
        plot.Axes.Bottom.Label.Text = "capacity (entries, log scale)";
        plot.Axes.Left.Label.Text = "hit rate (%)";
        plot.Title($"Hit rate: {trace}");
        plot.ShowLegend(Alignment.UpperLeft);
        plot.SavePng(path, 900, 560);
    }
}
