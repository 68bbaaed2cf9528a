using PerfKit.Bench.Infrastructure;
using ScottPlot;

namespace PerfKit.Bench.Kernel;

/// <summary>PerfKit's time per operation over the kernel's, one bar per workload, map and thread count, with the 1.0 line (the kernel) and the lookup goal.</summary>
public static class KernelBaselinePlot
{
    /// <summary>Draws <paramref name="rows"/> to <paramref name="path"/>.</summary>
    public static void Save(IReadOnlyList<KernelBaselineCommand.Row> rows, string path, string caption)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var plot = new Plot();
        double[] ratios = [.. rows.Select(r => r.TimeRatio)];
        var bars = plot.Add.Bars(ratios);
        Color[] palette = [Colors.SteelBlue, Colors.DarkOrange, Colors.SeaGreen];
        for (int i = 0; i < bars.Bars.Count; i++)
        {
            bars.Bars[i].Label = ratios[i].ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);
            bars.Bars[i].FillColor = palette[(int)rows[i].Map % palette.Length]; // one colour per map kind
        }

        bars.ValueLabelStyle.FontSize = 11;
        plot.Axes.Bottom.SetTicks([.. Enumerable.Range(0, rows.Count).Select(i => (double)i)],
            [.. rows.Select(r => $"{r.Map}: {r.Workload}{(r.Threads > 1 ? $", {r.Threads} CPUs" : "")}")]);
        plot.Axes.Bottom.TickLabelStyle.Rotation = -45;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleRight;
        plot.Axes.Bottom.MinimumSize = 230;
        var kernel = plot.Add.HorizontalLine(1.0);
        kernel.LegendText = "the kernel (1.0)";
        var goal = plot.Add.HorizontalLine(0.3);
        goal.LinePattern = LinePattern.Dashed;
        goal.LegendText = "lookup-hit goal (0.3)";
        var zipfGoal = plot.Add.HorizontalLine(0.5);
        zipfGoal.LinePattern = LinePattern.Dotted;
        zipfGoal.LegendText = "Zipf goal (0.5: 2× throughput)";
        plot.Axes.SetLimitsY(0, Math.Max(1.2, ratios.Max() * 1.15));
        plot.ShowLegend(Alignment.UpperRight);
        PlotLook.Save(plot, "PerfKit ÷ the running kernel, same run", caption, string.Empty, "PerfKit time ÷ kernel time (lower is faster)", path, 1200, 740);
    }
}
