using System.Globalization;
using PerfKit.Bench.Cookies;
using PerfKit.Bench.Hooks;
using PerfKit.Bench.Infrastructure;
using PerfKit.Bench.Maps;
using PerfKit.Bench.Results;
using PerfKit.Hooks;
using ScottPlot;

namespace PerfKit.Bench.Report;

/// <summary>
/// The plots of one run's report: every goal against its target, throughput against threads, each hook path's
/// speedup, and lookup costs. Every point carries BenchmarkDotNet's confidence interval; series are offset so none
/// hides another; unbounded ranges use a log axis; each plot's caption names the run, the machine and the date.
/// </summary>
public static class ReportPlots
{
    /// <summary>Writes the plots of <paramref name="run"/> into <paramref name="folder"/>; returns each file with a line saying what it shows.</summary>
    public static IReadOnlyList<(string File, string About)> Write(RunResults run, IReadOnlyList<(Goal Goal, GoalOutcome? Outcome)> goals, string folder)
    {
        Directory.CreateDirectory(folder);
        string caption = PlotLook.Caption($"run {run.Manifest.Run}", $"{run.Manifest.Machine.CpuModel}, {run.Manifest.Machine.LogicalCores} cores", run.Manifest.StartedUtc);
        var written = new List<(string, string)>();
        void Add(string file, string about, Func<string, bool> draw)
        {
            if (draw(Path.Combine(folder, file)))
            {
                written.Add((file, about));
            }
        }

        Add("goals.png", "every goal's ratio as a multiple of its target (1 = the target; right of it passes), with the range the confidence intervals allow",
            path => GoalsPlot(goals, caption, path));
        Add("hook-speedup.png", "each hook path's speedup over the same logic on ConcurrentDictionary + MemoryCache, at 1 and 2 threads, against the 2× goal",
            path => HookSpeedupPlot(run, caption, path));
        Add("zipf-throughput.png", "Zipf get-or-add throughput against threads, every contender (log scale)",
            path => ThroughputPlot(run, typeof(MapZipfBenchmarks), nameof(MapZipfBenchmarks.Threads), "Zipf(0.86) get-or-add, capacity 10 % of the keys", caption, path));
        Add("cookie-throughput.png", "cookie generators' throughput against threads (log scale)",
            path => ThroughputPlot(run, typeof(CookieThroughputBenchmarks), nameof(CookieThroughputBenchmarks.Threads), "Cookie generators", caption, path));
        Add("lookup.png", "one lookup's cost, hit and miss, every contender (log scale)", path => LookupPlot(run, caption, path));
        return written;
    }

    private static bool GoalsPlot(IReadOnlyList<(Goal Goal, GoalOutcome? Outcome)> goals, string caption, string path)
    {
        var measured = goals.Where(g => g.Outcome is not null).Reverse().ToList(); // first goal at the top
        if (measured.Count == 0)
        {
            return false;
        }

        var plot = new Plot();
        foreach (bool pass in new[] { true, false })
        {
            var rows = measured.Select((g, i) => (g.Outcome!, Y: (double)i)).Where(r => r.Item1.Pass == pass).ToList();
            if (rows.Count == 0)
            {
                continue;
            }

            Color color = pass ? Colors.SeaGreen : Colors.Crimson;
            double[] xs = [.. rows.Select(r => Math.Log10(r.Item1.Score))];
            double[] ys = [.. rows.Select(r => r.Y)];
            var bars = new ScottPlot.Plottables.ErrorBar(xs, ys,
                [.. rows.Select(r => Math.Log10(Math.Max(r.Item1.ScoreHigh, r.Item1.Score)) - Math.Log10(r.Item1.Score))],
                [.. rows.Select(r => Math.Log10(r.Item1.Score) - Math.Log10(Math.Min(r.Item1.ScoreLow, r.Item1.Score)))],
                [.. rows.Select(_ => 0.0)], [.. rows.Select(_ => 0.0)]) { Color = color };
            plot.Add.Plottable(bars);
            var dots = plot.Add.ScatterPoints(xs, ys, color);
            dots.MarkerSize = 10;
            dots.LegendText = pass ? "pass" : "short";
        }

        plot.Add.VerticalLine(0, 2, Colors.Black, LinePattern.Dashed).LegendText = "goal";
        plot.Axes.Left.SetTicks([.. measured.Select((_, i) => (double)i)], [.. measured.Select(g => g.Goal.Id)]);
        PlotLook.LogAxis(plot.Axes.Bottom, measured.Min(g => Math.Min(g.Outcome!.ScoreLow, g.Outcome.Score)), measured.Max(g => Math.Max(g.Outcome!.ScoreHigh, g.Outcome.Score)),
            v => PlotLook.Compact(v) + "×");
        plot.ShowLegend(Alignment.LowerRight);
        PlotLook.Save(plot, "Goals: each ratio as a multiple of its target", caption, "multiple of the target (log scale; ≥ 1 passes)", string.Empty, path, 1100, 760);
        return true;
    }

    private static bool HookSpeedupPlot(RunResults run, string caption, string path)
    {
        HookPath[] paths = Enum.GetValues<HookPath>();
        var plot = new Plot();
        bool any = false;
        foreach ((string threads, double offset, Color color) in new[] { ("1", -0.12, PlotLook.Palette[0]), ("2", 0.12, PlotLook.Palette[1]) })
        {
            var xs = new List<double>();
            var ys = new List<double>();
            var up = new List<double>();
            var down = new List<double>();
            for (int i = 0; i < paths.Length; i++)
            {
                BenchmarkTiming? ours = HeadlineGoals.Hook(run, paths[i], threads, HookTables.PerfKit), theirs = HeadlineGoals.Hook(run, paths[i], threads, HookTables.DotNetBaseline);
                if (ours is { } o && theirs is { } b)
                {
                    double speedup = b.Mean / o.Mean;
                    xs.Add(i + offset);
                    ys.Add(speedup);
                    up.Add((b.Upper / o.Lower) - speedup);
                    down.Add(speedup - (b.Lower / o.Upper));
                }
            }

            if (xs.Count == 0)
            {
                continue;
            }

            any = true;
            plot.Add.Plottable(new ScottPlot.Plottables.ErrorBar(xs, ys, [.. xs.Select(_ => 0.0)], [.. xs.Select(_ => 0.0)], up, down) { Color = color });
            var dots = plot.Add.ScatterPoints(xs.ToArray(), ys.ToArray(), color);
            dots.MarkerSize = 10;
            dots.LegendText = threads == "1" ? "1 thread" : $"{threads} threads";
        }

        if (!any)
        {
            return false;
        }

        plot.Add.HorizontalLine(2, 2, Colors.Black, LinePattern.Dashed).LegendText = "goal: 2×";
        plot.Axes.Bottom.SetTicks([.. paths.Select((_, i) => (double)i)], [.. paths.Select(p => p.ToString())]);
        plot.Axes.Bottom.TickLabelStyle.Rotation = 20;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleLeft;
        plot.Axes.Bottom.MinimumSize = 110;
        plot.Axes.AutoScale();
        plot.Axes.SetLimitsY(0, Math.Max(2.5, plot.Axes.GetLimits().Top)); // from zero, and the goal line always in view
        plot.ShowLegend(Alignment.UpperRight);
        PlotLook.Save(plot, "Hook paths: speedup over ConcurrentDictionary + MemoryCache", caption, "hook path", "baseline time ÷ PerfKit time", path);
        return true;
    }

    private static bool ThroughputPlot(RunResults run, Type type, string threadsParameter, string title, string caption, string path)
    {
        var cases = run.Benchmarks.Where(r => r.Type == type.Name && r.Parameters.ContainsKey(threadsParameter)).ToList();
        if (cases.Count == 0)
        {
            return false;
        }

        int[] threadCounts = [.. cases.Select(c => int.Parse(c.Parameters[threadsParameter], CultureInfo.InvariantCulture)).Distinct().Order()];
        string[] methods = [.. cases.Select(c => c.Method).Distinct().Where(m => m != nameof(MapZipfBenchmarks.KernelLoopAlone))];
        var plot = new Plot();
        double lowest = double.MaxValue, highest = double.MinValue; // log10 of the plotted range
        for (int s = 0; s < methods.Length; s++)
        {
            double offset = (s - ((methods.Length - 1) / 2.0)) * 0.025; // side by side, so no error bar hides another
            var points = new List<(double X, double Mops, double Up, double Down)>();
            foreach (int threads in threadCounts)
            {
                string t = threads.ToString(CultureInfo.InvariantCulture);
                BenchmarkTiming? timing = run.Timing(type, methods[s], (threadsParameter, t));
                if (methods[s].StartsWith("Kernel", StringComparison.Ordinal) && timing is { } total
                    && run.Timing(type, nameof(MapZipfBenchmarks.KernelLoopAlone), (threadsParameter, t)) is { } loop)
                {
                    timing = total.Minus(loop); // the map calls alone, as the goals count them
                }

                if (timing is { } x)
                {
                    double mops = 1000 / x.Mean;
                    points.Add((threads + offset, Math.Log10(mops), Math.Log10(1000 / x.Lower) - Math.Log10(mops), Math.Log10(mops) - Math.Log10(1000 / x.Upper)));
                }
            }

            Color color = PlotLook.Palette[s % PlotLook.Palette.Length];
            double[] xs = [.. points.Select(p => p.X)], ys = [.. points.Select(p => p.Mops)];
            lowest = Math.Min(lowest, points.Select(p => p.Mops - p.Down).DefaultIfEmpty(lowest).Min());
            highest = Math.Max(highest, points.Select(p => p.Mops + p.Up).DefaultIfEmpty(highest).Max());
            plot.Add.Plottable(new ScottPlot.Plottables.ErrorBar(xs, ys, [.. xs.Select(_ => 0.0)], [.. xs.Select(_ => 0.0)], [.. points.Select(p => p.Up)], [.. points.Select(p => p.Down)]) { Color = color });
            var line = plot.Add.Scatter(xs, ys, color);
            line.MarkerSize = 8;
            line.LegendText = methods[s].StartsWith("Kernel", StringComparison.Ordinal) ? methods[s] + " (BPF loop subtracted)" : methods[s];
        }

        plot.Axes.Bottom.SetTicks([.. threadCounts.Select(t => (double)t)], [.. threadCounts.Select(t => t.ToString(CultureInfo.InvariantCulture))]);
        plot.Axes.SetLimitsX(threadCounts[0] - 0.4, threadCounts[^1] + 0.4);
        PlotLook.LogAxis(plot.Axes.Left, Math.Pow(10, lowest), Math.Pow(10, highest), PlotLook.Compact);
        plot.ShowLegend(Edge.Right);
        PlotLook.Save(plot, $"{title}: throughput against threads", caption, "threads", "million operations per second, all threads (log scale)", path);
        return true;
    }

    private static bool LookupPlot(RunResults run, string caption, string path)
    {
        string[] methods = [.. run.Benchmarks.Where(r => r.Type == nameof(MapLookupBenchmarks)).Select(r => r.Method).Distinct().Where(m => m != nameof(MapLookupBenchmarks.KernelLoopAlone))];
        if (methods.Length == 0)
        {
            return false;
        }

        var plot = new Plot();
        double lowest = double.MaxValue, highest = double.MinValue; // log10 of the plotted range
        foreach ((bool hit, double offset, Color color) in new[] { (true, -0.12, PlotLook.Palette[0]), (false, 0.12, PlotLook.Palette[1]) })
        {
            string h = hit.ToString();
            var points = new List<(double X, double Y, double Up, double Down)>();
            for (int i = 0; i < methods.Length; i++)
            {
                BenchmarkTiming? timing = run.Timing(typeof(MapLookupBenchmarks), methods[i], (nameof(MapLookupBenchmarks.Hit), h));
                if (methods[i] == nameof(MapLookupBenchmarks.Kernel) && timing is { } total
                    && run.Timing(typeof(MapLookupBenchmarks), nameof(MapLookupBenchmarks.KernelLoopAlone), (nameof(MapLookupBenchmarks.Hit), h)) is { } loop)
                {
                    timing = total.Minus(loop);
                }

                if (timing is { } x)
                {
                    double y = Math.Log10(x.Mean);
                    points.Add((i + offset, y, Math.Log10(x.Upper) - y, y - Math.Log10(x.Lower)));
                }
            }

            double[] xs = [.. points.Select(p => p.X)], ys = [.. points.Select(p => p.Y)];
            lowest = Math.Min(lowest, points.Select(p => p.Y - p.Down).DefaultIfEmpty(lowest).Min());
            highest = Math.Max(highest, points.Select(p => p.Y + p.Up).DefaultIfEmpty(highest).Max());
            plot.Add.Plottable(new ScottPlot.Plottables.ErrorBar(xs, ys, [.. xs.Select(_ => 0.0)], [.. xs.Select(_ => 0.0)], [.. points.Select(p => p.Up)], [.. points.Select(p => p.Down)]) { Color = color });
            var dots = plot.Add.ScatterPoints(xs, ys, color);
            dots.MarkerSize = 10;
            dots.LegendText = hit ? "hit" : "miss";
        }

        // The goals' limits for a hit: ConcurrentDictionary's time and 0.6× ConcurrentLru's.
        (string Method, double Factor, string Label, LinePattern Pattern)[] limits =
        [
            (nameof(MapLookupBenchmarks.Dictionary), 1.0, "goal: ≤ ConcurrentDictionary's hit", LinePattern.Dashed),
            (nameof(MapLookupBenchmarks.Lru), 0.6, "goal: ≤ 0.6× ConcurrentLru's hit", LinePattern.Dotted),
        ];
        foreach ((string method, double factor, string label, LinePattern pattern) in limits)
        {
            if (run.Timing(typeof(MapLookupBenchmarks), method, (nameof(MapLookupBenchmarks.Hit), bool.TrueString)) is { } limit)
            {
                plot.Add.HorizontalLine(Math.Log10(limit.Mean * factor), 1.5f, Colors.Gray, pattern).LegendText = label;
                lowest = Math.Min(lowest, Math.Log10(limit.Mean * factor));
            }
        }

        plot.Axes.Bottom.SetTicks([.. methods.Select((_, i) => (double)i)], [.. methods.Select(m => m == nameof(MapLookupBenchmarks.Kernel) ? "Kernel (BPF loop subtracted)" : m)]);
        PlotLook.LogAxis(plot.Axes.Left, Math.Pow(10, lowest), Math.Pow(10, highest), v => PlotLook.Compact(v) + " ns");
        plot.ShowLegend(Alignment.UpperLeft);
        PlotLook.Save(plot, "One lookup: time per operation", caption, "map", "ns per lookup (log scale)", path);
        return true;
    }
}
