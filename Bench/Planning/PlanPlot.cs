using PerfKit.Bench.Infrastructure;
using PerfKit.Maps.Planning;
using ScottPlot;

namespace PerfKit.Bench.Planning;

/// <summary>The planner's plots: hit rate against size per configuration, and the fill at the first eviction against CPUs.</summary>
public static class PlanPlot
{
    /// <summary>Hit rate against max_entries (log axis), one line per configuration.</summary>
    public static void HitRateBySize(IReadOnlyList<PlanResult> results, string path, string caption)
    {
        var plot = new Plot();
        MarkerShape[] shapes = [MarkerShape.FilledCircle, MarkerShape.OpenSquare, MarkerShape.FilledTriangleUp, MarkerShape.OpenCircle, MarkerShape.Cross];
        int s = 0;
        foreach (var configuration in results.GroupBy(r => r.Configuration.Name))
        {
            var points = configuration.OrderBy(r => r.MaxEntries).ToList();
            double[] xs = [.. points.Select(p => Math.Log10(p.MaxEntries))], ys = [.. points.Select(p => 100 * p.HitRate)];
            var line = plot.Add.Scatter(xs, ys, PlotLook.Palette[s % PlotLook.Palette.Length]);
            line.LegendText = configuration.Key;
            line.MarkerShape = shapes[s % shapes.Length]; // equal hit rates overlap: the shapes keep every configuration visible
            line.MarkerSize = 8;
            s++;
        }

        PlotLook.LogAxis(plot.Axes.Bottom, results.Min(r => r.MaxEntries), results.Max(r => r.MaxEntries), PlotLook.Compact);
        plot.ShowLegend(Alignment.LowerRight);
        PlotLook.Save(plot, "Hit rate against map size", caption, "max_entries (log scale)", "hit rate (%)", path);
    }

    /// <summary>The fill at the first eviction against simulated CPUs, classic and adaptive free targets.</summary>
    public static void FirstEvictionFill(IReadOnlyList<PlanResult> fills, string path, string caption)
    {
        var plot = new Plot();
        int s = 0;
        foreach (var configuration in fills.GroupBy(r => r.Configuration.Name))
        {
            var points = configuration.OrderBy(r => r.Cpus).ToList();
            double[] xs = [.. points.Select(p => Math.Log2(p.Cpus))], ys = [.. points.Select(p => 100 * (p.FirstEvictionFill ?? 1))];
            var line = plot.Add.Scatter(xs, ys, PlotLook.Palette[s++]);
            line.LegendText = configuration.Key;
            line.MarkerSize = 8;
        }

        int[] cpus = [.. fills.Select(f => f.Cpus).Distinct().Order()];
        plot.Axes.Bottom.SetTicks([.. cpus.Select(c => Math.Log2(c))], [.. cpus.Select(c => c.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        plot.Axes.SetLimitsY(0, 105);
        plot.ShowLegend(Alignment.LowerLeft);
        PlotLook.Save(plot, "Fill at the first eviction as CPUs grow", caption, "simulated CPUs (log scale)", "live entries / capacity at the first eviction (%)", path);
    }
}
