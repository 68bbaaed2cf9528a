using System.Globalization;
using ScottPlot;

namespace PerfKit.Bench.Infrastructure;

/// <summary>What every PerfKit plot shares: a caption naming the run, the machine and the date; log axes with readable labels; the saved size.</summary>
public static class PlotLook
{
    /// <summary>The series colors, in order (distinguishable in print and for the common color-vision deficiencies).</summary>
    public static readonly Color[] Palette =
    [
        Colors.SteelBlue, Colors.DarkOrange, Colors.SeaGreen, Colors.Crimson, Colors.MediumPurple, Colors.SaddleBrown, Colors.HotPink, Colors.Gray, Colors.Olive,
    ];

    /// <summary>A caption: <paramref name="what"/>, then the machine and the date (UTC) it was measured on.</summary>
    public static string Caption(string what, string machine, DateTime measuredUtc) =>
        string.Create(CultureInfo.InvariantCulture, $"{what} · {machine} · {measuredUtc:yyyy-MM-dd HH:mm} UTC");

    /// <summary>Titles the plot with <paramref name="title"/> over <paramref name="caption"/>, labels its axes, and saves it as a PNG.</summary>
    public static void Save(Plot plot, string title, string caption, string xLabel, string yLabel, string path, int width = 1100, int height = 620)
    {
        plot.Title(title);
        plot.Axes.Title.Label.FontSize = 18;
        plot.Axes.Bottom.Label.Text = $"{xLabel}\n\n{caption}";
        plot.Axes.Bottom.Label.FontSize = 13;
        plot.Axes.Left.Label.Text = yLabel;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        plot.SavePng(path, width, height);
    }

    /// <summary>
    /// Makes <paramref name="axis"/> logarithmic for values already passed through <see cref="Math.Log10(double)"/>
    /// that span <paramref name="min"/> to <paramref name="max"/> (before the logarithm): labelled ticks at 1, 2 and
    /// 5 times each power of ten in that span, formatted by <paramref name="label"/>.
    /// </summary>
    public static void LogAxis(ScottPlot.IAxis axis, double min, double max, Func<double, string> label)
    {
        var ticks = new List<double>();
        for (int exponent = (int)Math.Floor(Math.Log10(min)) - 1; exponent <= (int)Math.Ceiling(Math.Log10(max)) + 1; exponent++)
        {
            foreach (double step in new[] { 1.0, 2.0, 5.0 })
            {
                double value = step * Math.Pow(10, exponent);
                if (value >= min / 2.5 && value <= max * 2.5)
                {
                    ticks.Add(value);
                }
            }
        }

        axis.SetTicks([.. ticks.Select(Math.Log10)], [.. ticks.Select(label)]);
    }

    /// <summary>A figure for a log-axis label: 1, 10, 100, 1k, 10k, ...</summary>
    public static string Compact(double value) => value switch
    {
        >= 1e6 => (value / 1e6).ToString("0.##", CultureInfo.InvariantCulture) + "M",
        >= 1e3 => (value / 1e3).ToString("0.##", CultureInfo.InvariantCulture) + "k",
        _ => value.ToString("0.###", CultureInfo.InvariantCulture),
    };
}
