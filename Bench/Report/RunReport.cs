using System.Globalization;
using System.Text;
using PerfKit.Bench.Results;

namespace PerfKit.Bench.Report;

/// <summary>
/// The report of one run (<c>report.md</c> and <c>plots/</c> in the run's folder): its first line says how many goals
/// pass on which machine; every figure in it comes from that run alone.
/// </summary>
public static class RunReport
{
    /// <summary>The report's file name.</summary>
    public const string FileName = "report.md";

    /// <summary>Every goal's outcome on <paramref name="run"/> (null where the run did not measure it).</summary>
    public static IReadOnlyList<(Goal Goal, GoalOutcome? Outcome)> Evaluate(RunResults run) =>
        [.. HeadlineGoals.All.Select(g => (g, g.Evaluate(run)))];

    /// <summary>"N of M goals pass on &lt;machine&gt;", M counting the goals the run measured.</summary>
    public static string Verdict(RunResults run, IReadOnlyList<(Goal Goal, GoalOutcome? Outcome)> outcomes)
    {
        int measured = outcomes.Count(o => o.Outcome is not null), pass = outcomes.Count(o => o.Outcome is { Pass: true });
        string notMeasured = measured < outcomes.Count ? $" ({outcomes.Count - measured} of {outcomes.Count} not measured in this run)" : string.Empty;
        return $"{pass} of {measured} goals pass on {run.Manifest.Machine.CpuModel}, {run.Manifest.Machine.LogicalCores} logical cores{notMeasured}";
    }

    /// <summary>The goals table; a short goal links its note, found at <paramref name="notesLink"/> relative to the table's file.</summary>
    public static string GoalsTable(IReadOnlyList<(Goal Goal, GoalOutcome? Outcome)> outcomes, string notesLink)
    {
        var md = new StringBuilder("| goal | ours | baseline (same run) | ratio | | note |\n|---|---|---|---|---|---|\n");
        foreach ((Goal goal, GoalOutcome? o) in outcomes)
        {
            string note = $"[{(o is { Pass: false } ? "why short" : "about")}]({notesLink}/{goal.Id}.md)";
            md.Append(o is null
                ? $"| {goal.Name} | not measured | | | — | {note} |\n"
                : $"| {goal.Name} | {o.Ours} | {o.Baseline} | {o.RatioText} | {(o.Pass ? "**pass**" : "short")} | {note} |\n");
        }

        return md.ToString();
    }

    /// <summary>Writes <c>report.md</c> and its plots into <paramref name="folder"/> (the run's folder, or its published copy); returns the verdict line.</summary>
    public static string Write(RunResults run, string folder)
    {
        IReadOnlyList<(Goal Goal, GoalOutcome? Outcome)> outcomes = Evaluate(run);
        string verdict = Verdict(run, outcomes);
        string notesLink = Path.GetRelativePath(folder, RunFolders.Notes).Replace(Path.DirectorySeparatorChar, '/');
        IReadOnlyList<(string File, string About)> plots = ReportPlots.Write(run, outcomes, Path.Combine(folder, "plots"));
        RunManifest m = run.Manifest;
        var md = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"# PerfKit run {m.Run}\n\n**{verdict}.**\n\n")
            .Append("Every ratio below compares two figures measured in this run, on this machine; nothing here comes from another run.\n\n")
            .Append("| | |\n|---|---|\n")
            .Append(CultureInfo.InvariantCulture, $"| machine | {m.Machine} |\n")
            .Append(CultureInfo.InvariantCulture, $"| job | {m.Job} |\n")
            .Append(CultureInfo.InvariantCulture, $"| commit | {m.Commit} |\n")
            .Append(CultureInfo.InvariantCulture, $"| started | {m.StartedUtc:yyyy-MM-dd HH:mm:ss} UTC |\n")
            .Append(CultureInfo.InvariantCulture, $"| arguments | {(m.Arguments.Count == 0 ? "none (the default run)" : "`" + string.Join(' ', m.Arguments) + "`")} |\n")
            .Append(CultureInfo.InvariantCulture, $"| steps | {string.Join(", ", m.StepsDone)}{(m.Failure is null ? string.Empty : $"; failed: {m.Failure}")} |\n\n")
            .Append("## Goals\n\n").Append(GoalsTable(outcomes, notesLink));

        var contexts = outcomes.Where(o => o.Outcome is { Pass: false })
            .Select(o => (o.Goal.Name, Context: o.Goal.SameRunContext?.Invoke(run)))
            .Where(c => c.Context is { Length: > 0 })
            .Select(c => $"- **{c.Name}**: {c.Context}\n").ToList();
        if (contexts.Count > 0)
        {
            md.Append("\nMeasured in the same run, to read the short ones by:\n\n").AppendJoin(string.Empty, contexts);
        }

        md.Append("\n## Plots\n\n");
        foreach ((string file, string about) in plots)
        {
            md.Append(CultureInfo.InvariantCulture, $"{char.ToUpperInvariant(about[0])}{about[1..]}.\n\n![{Path.GetFileNameWithoutExtension(file)}](plots/{file})\n\n");
        }

        AppendStep(md, run, "hook-latency", "Hook latency distributions", "hook-latency.png");
        md.Append(HitRateSummary(run.HitRateCsv));
        AppendStep(md, run, "hitrate", "Hit rates, every workload and capacity", null);
        AppendStep(md, run, "memory", "Memory: bytes per entry and collections", null);
        AppendStep(md, run, "overhead", "Instrumentation cost with no listener, paired in one process", null);
        if (Maps.FirstEvictionStep.Read(run.FirstEvictionCsv) is { } fill)
        {
            md.Append(CultureInfo.InvariantCulture, $"\n## First eviction\n\nA {Maps.FirstEvictionStep.Capacity:N0}-entry common LRU on 2 CPUs: the first eviction at {fill.StealBeforeShrink:P1} fill with StealBeforeShrink, {fill.KernelOrder:P1} in the kernel's order.\n");
        }
        string results = Path.Combine(run.Folder, "results");
        string[] tables = Directory.Exists(results) ? [.. Directory.GetFiles(results, "*-report-github.md").Order(StringComparer.Ordinal)] : [];
        if (tables.Length > 0)
        {
            md.Append("\n## BenchmarkDotNet's tables\n\n");
            foreach (string table in tables)
            {
                string name = Path.GetFileName(table);
                md.Append(CultureInfo.InvariantCulture, $"- [{name.Replace("-report-github.md", string.Empty, StringComparison.Ordinal)}](results/{name})\n");
            }
        }

        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, FileName), md.ToString());
        return verdict;
    }

    private static void AppendStep(StringBuilder md, RunResults run, string step, string title, string? image)
    {
        string readme = Path.Combine(run.Folder, step, "README.md");
        if (!File.Exists(readme))
        {
            return;
        }

        md.Append(CultureInfo.InvariantCulture, $"\n## {title}\n\n[{step}/README.md]({step}/README.md)\n");
        if (image is not null && File.Exists(Path.Combine(run.Folder, step, image)))
        {
            md.Append(CultureInfo.InvariantCulture, $"\n![{step}]({step}/{image})\n");
        }
    }

    // Hit rate per workload at its middle capacity, every policy side by side (from the hit-rate step's table).
    private static string HitRateSummary(string csv)
    {
        if (HitRate.HitRateCommand.Read(csv) is not { Count: > 0 } results)
        {
            return string.Empty;
        }

        string[] policies = [.. results.Select(r => r.Policy).Distinct()];
        var md = new StringBuilder("\n## Hit rates (% of requests, each workload at its middle capacity)\n\n| workload | capacity | ")
            .AppendJoin(" | ", policies).Append(" |\n|---|---:|").Append(string.Concat(Enumerable.Repeat("---:|", policies.Length))).Append('\n');
        foreach (var workload in results.GroupBy(r => r.Trace))
        {
            int[] capacities = [.. workload.Select(r => r.Capacity).Distinct().Order()];
            int capacity = capacities[capacities.Length / 2];
            md.Append(CultureInfo.InvariantCulture, $"| {workload.Key} | {capacity} |");
            foreach (string policy in policies)
            {
                HitRate.HitRateCommand.Result? row = workload.FirstOrDefault(r => r.Capacity == capacity && r.Policy == policy);
                md.Append(row is null ? " |" : string.Create(CultureInfo.InvariantCulture, $" {row.HitRate:F2} |"));
            }

            md.Append('\n');
        }

        return md.ToString();
    }
}
