using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using PerfKit.Bench.Infrastructure;
using PerfKit.Bench.Results;

namespace PerfKit.Bench.Report;

/// <summary>
/// perf-results/README.md and the headline block of README.md, from the published runs (one per machine kind) and
/// the trend file. Each machine gets its own verdict and table; the trend is grouped by machine; no ratio mixes runs.
/// </summary>
public static partial class PublishedReadme
{
    private const string StartMarker = "<!-- headline:start (written by `dotnet run -c Release --project Bench -- publish <run>`) -->";
    private const string EndMarker = "<!-- headline:end -->";

    /// <summary>The published runs, one per machine kind (folders being published are not yet runs).</summary>
    /// <exception cref="InvalidDataException">A folder under perf-results/published is not a run.</exception>
    public static IReadOnlyList<RunResults> LoadPublished() =>
        Directory.Exists(RunFolders.Published)
            ? [.. Directory.GetDirectories(RunFolders.Published).Where(d => !d.EndsWith(".publishing", StringComparison.Ordinal)).Order(StringComparer.Ordinal).Select(RunResults.Load)]
            : [];

    /// <summary>Rewrites both files from what is published; returns false if README.md has no headline markers (it is then left alone).</summary>
    public static bool Write()
    {
        IReadOnlyList<RunResults> machines = LoadPublished();
        var perfResults = new StringBuilder("# perf-results\n\n")
            .Append("The project's published reference results: one complete default run per machine kind, each measured in one ")
            .Append("process tree on one machine, and made the reference by `dotnet run -c Release --project Bench -- publish <run>`. ")
            .Append("Every ratio compares two figures of the same run. Your own runs go to `perf-results/local/` (ignored by git). ")
            .Append("Why a goal is short: [notes/](notes).\n\n");
        var headline = new StringBuilder();
        foreach (RunResults run in machines)
        {
            var outcomes = RunReport.Evaluate(run);
            string kind = run.Manifest.Machine.Kind;
            string verdict = RunReport.Verdict(run, outcomes);
            perfResults.Append(CultureInfo.InvariantCulture, $"## {run.Manifest.Machine.CpuModel}, {run.Manifest.Machine.LogicalCores} logical cores\n\n")
                .Append(CultureInfo.InvariantCulture, $"**{verdict}** (run {run.Manifest.Run}, commit {run.Manifest.Commit[..Math.Min(12, run.Manifest.Commit.Length)]}, job {run.Manifest.Job}; ")
                .Append(CultureInfo.InvariantCulture, $"[full report with plots](published/{kind}/report.md)).\n\n")
                .Append(RunReport.GoalsTable(outcomes, "notes"))
                .Append(CultureInfo.InvariantCulture, $"\n![goals](published/{kind}/plots/goals.png)\n\n");
            headline.Append(CultureInfo.InvariantCulture, $"**{verdict}** ([report](perf-results/published/{kind}/report.md), run {run.Manifest.Run}).\n\n")
                .Append(RunReport.GoalsTable(outcomes, "perf-results/notes")).Append('\n');
        }

        perfResults.Append(Trend());
        perfResults.Append("\n## Profiles\n\n[profiles/](profiles): EventPipe recordings analysed with TraceEvent (`-- trace <workload> --out perf-results/profiles/<workload>` to refresh one).\n");
        File.WriteAllText(Path.Combine(RepositoryPaths.PerfResults, "README.md"), perfResults.ToString());
        return UpdateMainReadme(headline.Length > 0 ? headline.ToString() : "No run is published yet.\n");
    }

    // Per machine kind: goals down, published runs across, each cell the goal's ratio in that run.
    private static string Trend()
    {
        string path = Path.Combine(RepositoryPaths.PerfResults, PublishCommand.TrendFile);
        if (!File.Exists(path))
        {
            return string.Empty;
        }

        var rows = File.ReadAllLines(path).Skip(1).Select(l => TrendRow().Match(l)).Where(m => m.Success)
            .Select(m => (Kind: m.Groups[1].Value, Run: m.Groups[2].Value, Goal: m.Groups[4].Value, Ratio: m.Groups[5].Value, Pass: m.Groups[6].Value == "pass")).ToList();
        var md = new StringBuilder("\n## Trend of the goals over published runs, per machine kind\n\nFrom [trend.csv](trend.csv); a column is one run; runs of different machines are never in one table.\n");
        foreach (var machine in rows.GroupBy(r => r.Kind))
        {
            string[] runs = [.. machine.Select(r => r.Run).Distinct().Order(StringComparer.Ordinal)];
            md.Append(CultureInfo.InvariantCulture, $"\n### {machine.Key}\n\n| goal | ").AppendJoin(" | ", runs).Append(" |\n|---|")
              .Append(string.Concat(Enumerable.Repeat("---:|", runs.Length))).Append('\n');
            foreach (Goal goal in HeadlineGoals.All)
            {
                md.Append(CultureInfo.InvariantCulture, $"| {goal.Id} |");
                foreach (string run in runs)
                {
                    var cell = machine.FirstOrDefault(r => r.Run == run && r.Goal == goal.Id);
                    md.Append(cell.Ratio is null ? " |" : cell.Pass ? $" {cell.Ratio} |" : $" {cell.Ratio} (short) |");
                }

                md.Append('\n');
            }
        }

        return md.ToString();
    }

    private static bool UpdateMainReadme(string block)
    {
        string readme = Path.Combine(RepositoryPaths.Root, "README.md");
        string text = File.Exists(readme) ? File.ReadAllText(readme) : string.Empty;
        int start = text.IndexOf(StartMarker, StringComparison.Ordinal);
        int end = text.IndexOf(EndMarker, StringComparison.Ordinal);
        if (start < 0 || end <= start)
        {
            return false;
        }

        File.WriteAllText(readme, text[..(start + StartMarker.Length)] + "\n\n" + block + "\n" + text[end..]);
        return true;
    }

    [GeneratedRegex("^([^,]*),([^,]*),([^,]*),([^,]*),\"(.*)\",(pass|short)$")]
    private static partial Regex TrendRow();
}
