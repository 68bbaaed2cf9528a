using System.CommandLine;
using System.Globalization;
using System.Text;
using PerfKit.Bench.Cli;
using PerfKit.Bench.Infrastructure;
using PerfKit.Bench.Results;

namespace PerfKit.Bench.Report;

/// <summary>
/// <c>publish RUN</c>: makes one complete default run the project's reference results for its machine kind. The only
/// command that changes tracked files: perf-results/published/&lt;machine kind&gt;/ (replaced), perf-results/trend.csv
/// (one row per goal), perf-results/README.md and the headline block of README.md.
/// </summary>
public static class PublishCommand
{
    /// <summary>The trend file's name under perf-results.</summary>
    public const string TrendFile = "trend.csv";

    private const string TrendHeader = "machine_kind,run,commit,goal,ratio,pass";

    // What a published copy keeps of a run: its record, its compact results, BenchmarkDotNet's tables, and the other
    // steps' tables, CSVs and plots (not BenchmarkDotNet's full JSON with every measurement, nor its logs).
    private static readonly string[] StepFolders = ["memory", "overhead", "hook-latency", "hitrate", "first-eviction"];

    /// <summary>The <c>publish</c> command.</summary>
    public static Command Create()
    {
        var run = new Argument<string>("run") { Description = "a run folder, or the name of one under perf-results/local/runs/" };
        var command = new Command("publish",
            "Make a complete default run the published reference results for its machine kind (the only command that changes tracked files; refuses partial, filtered, dry or short-job runs and runs of uncommitted code)")
        {
            run,
        };
        command.SetAction(parsed => ReportCommand.ResolveRun(parsed.GetValue(run)) is { } folder ? Publish(folder) : 2);
        return command;
    }

    /// <summary>Why <paramref name="manifest"/>'s run cannot be published, or null if it can.</summary>
    public static string? Refusal(RunManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        return !manifest.DefaultRun ? $"it was not the default run (arguments: {string.Join(' ', manifest.Arguments)}): only a whole default run, with no suite names, filter or job, can be the reference"
            : manifest.Job != Runs.BenchmarkRunCommand.DefaultJob ? $"it ran job '{manifest.Job}', not PerfKit's default job"
            : manifest.Failure is not null ? $"it failed ({manifest.Failure})"
            : !manifest.Complete ? $"it did not finish (steps done: {string.Join(", ", manifest.StepsDone)})"
            : manifest.Commit.StartsWith("unknown", StringComparison.Ordinal) || manifest.Commit.Contains('+', StringComparison.Ordinal)
                ? $"its build is not a commit ({manifest.Commit}): commit first, so the published run names the code it measured"
            : null;
    }

    private static int Publish(string folder)
    {
        RunResults run;
        IReadOnlyList<RunResults> others;
        try
        {
            run = RunResults.Load(folder);
            others = PublishedReadme.LoadPublished(); // checked before anything is written
        }
        catch (InvalidDataException e)
        {
            return BenchCommandLine.Fail(e.Message, exitCode: 1);
        }

        if (Refusal(run.Manifest) is { } refusal)
        {
            return BenchCommandLine.Fail($"run {run.Manifest.Run} cannot be published: {refusal}.", exitCode: 1);
        }

        // Copied to a new folder beside the target, then swapped in: a failure part-way leaves the old reference whole.
        string target = Path.Combine(RunFolders.Published, run.Manifest.Machine.Kind);
        string staging = target + ".publishing";
        string? replaced = others.FirstOrDefault(o => o.Manifest.Machine.Kind == run.Manifest.Machine.Kind)?.Manifest.Run;
        string verdict;
        try
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }

            CopyPublishedParts(folder, staging);
            verdict = RunReport.Write(RunResults.Load(staging), staging);
            if (Directory.Exists(target))
            {
                Directory.Delete(target, recursive: true);
            }

            Directory.Move(staging, target);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or FormatException)
        {
            return BenchCommandLine.Fail($"publishing {folder} failed, nothing was changed: {e.Message}", exitCode: 1);
        }

        // The published report's links were written for the staging folder's place, which is the target's.
        RecordTrend(RunResults.Load(target));
        bool readme = PublishedReadme.Write();
        Console.WriteLine(verdict);
        Console.WriteLine($"Published run {run.Manifest.Run} as {target}{(replaced is null ? string.Empty : $" (replacing run {replaced})")}.");
        Console.WriteLine($"Changed: {target}, {Path.Combine(RepositoryPaths.PerfResults, TrendFile)}, {Path.Combine(RepositoryPaths.PerfResults, "README.md")}"
            + (readme ? $", {Path.Combine(RepositoryPaths.Root, "README.md")}." : $" (README.md has no headline markers, so its headline was left alone)."));
        Console.WriteLine("Review them (git status, git diff) and commit.");
        return 0;
    }

    private static void CopyPublishedParts(string folder, string target)
    {
        Directory.CreateDirectory(Path.Combine(target, "results"));
        foreach (string file in new[] { RunManifest.FileName, BenchmarkResultsFile.FileName })
        {
            File.Copy(Path.Combine(folder, file), Path.Combine(target, file));
        }

        string results = Path.Combine(folder, "results");
        foreach (string table in Directory.Exists(results) ? Directory.GetFiles(results, "*-report-github.md") : [])
        {
            File.Copy(table, Path.Combine(target, "results", Path.GetFileName(table)));
        }

        foreach (string step in StepFolders)
        {
            foreach (string file in Directory.Exists(Path.Combine(folder, step)) ? Directory.GetFiles(Path.Combine(folder, step)) : [])
            {
                Directory.CreateDirectory(Path.Combine(target, step));
                File.Copy(file, Path.Combine(target, step, Path.GetFileName(file)));
            }
        }
    }

    // One row per goal the run measured; a run published again replaces its rows.
    private static void RecordTrend(RunResults run)
    {
        string path = Path.Combine(RepositoryPaths.PerfResults, TrendFile);
        string kind = run.Manifest.Machine.Kind;
        var lines = File.Exists(path) ? File.ReadAllLines(path).Skip(1).Where(l => !l.StartsWith($"{kind},{run.Manifest.Run},", StringComparison.Ordinal)).ToList() : [];
        foreach ((Goal goal, GoalOutcome? outcome) in RunReport.Evaluate(run))
        {
            if (outcome is not null)
            {
                lines.Add(string.Create(CultureInfo.InvariantCulture, $"{kind},{run.Manifest.Run},{run.Manifest.Commit},{goal.Id},\"{outcome.RatioText}\",{(outcome.Pass ? "pass" : "short")}"));
            }
        }

        File.WriteAllText(path, new StringBuilder(TrendHeader).Append('\n').AppendJoin('\n', lines.Order(StringComparer.Ordinal)).Append('\n').ToString());
    }
}
