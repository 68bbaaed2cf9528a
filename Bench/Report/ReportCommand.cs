using System.CommandLine;
using PerfKit.Bench.Cli;
using PerfKit.Bench.Results;

namespace PerfKit.Bench.Report;

/// <summary><c>report [RUN]</c>: writes one run's report (<c>report.md</c> and <c>plots/</c>) into that run's folder.</summary>
public static class ReportCommand
{
    /// <summary>The <c>report</c> command.</summary>
    public static Command Create()
    {
        var run = new Argument<string?>("run")
        {
            Description = "a run folder, or the name of one under perf-results/local/runs/ [default: the latest there]",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var command = new Command("report", "Write one run's report: N of M goals pass, the goals table, plots (into the run's own folder)") { run };
        command.SetAction(parsed => ResolveRun(parsed.GetValue(run)) is { } folder ? Report(folder) : 2);
        return command;
    }

    /// <summary>Ends a run: records it as finished, writes its report, and says where everything is; returns 0.</summary>
    public static int Finish(string folder, RunManifest manifest)
    {
        // Finished as of now: the report below is written from this record, and says so.
        manifest = manifest.WithStepDone("report") with { FinishedUtc = DateTime.UtcNow };
        manifest.Save(folder);
        int exitCode = Report(folder);
        if (exitCode != 0)
        {
            (manifest with { Failure = "report: it could not be written (see the error above)" }).Save(folder);
        }
        if (exitCode == 0 && manifest.DefaultRun)
        {
            Console.WriteLine($"To make this run the project's published results for this machine kind: dotnet run -c Release --project Bench -- publish {folder}");
        }

        return exitCode;
    }

    /// <summary>The run folder <paramref name="run"/> names (a path, or a name under perf-results/local/runs), or the latest; null after printing an error.</summary>
    public static string? ResolveRun(string? run)
    {
        string? folder = run is null ? RunFolders.LatestBenchmarkRun()
            : Directory.Exists(run) ? Path.GetFullPath(run)
            : Directory.Exists(Path.Combine(RunFolders.Local, "runs", run)) ? Path.Combine(RunFolders.Local, "runs", run)
            : null;
        if (folder is null)
        {
            BenchCommandLine.Fail(run is null
                ? "no benchmark run under perf-results/local/runs/ yet: run the benchmarks first (dotnet run -c Release --project Bench)."
                : $"'{run}' is neither a folder nor a run under perf-results/local/runs/.");
            return null;
        }

        if (!File.Exists(Path.Combine(folder, RunManifest.FileName)))
        {
            BenchCommandLine.Fail($"{folder} is not a run folder: it has no {RunManifest.FileName}.");
            return null;
        }

        if (IsUnder(folder, RunFolders.Published))
        {
            BenchCommandLine.Fail($"{folder} is a published copy, which changes only through publish: name the run folder under perf-results/local/runs/ it came from.");
            return null;
        }

        return folder;
    }

    /// <summary>Whether <paramref name="path"/> is <paramref name="folder"/> or inside it.</summary>
    public static bool IsUnder(string path, string folder)
    {
        string relative = Path.GetRelativePath(Path.GetFullPath(folder), Path.GetFullPath(path));
        return relative == "." || (!relative.StartsWith("..", StringComparison.Ordinal) && !Path.IsPathRooted(relative));
    }

    private static int Report(string folder)
    {
        string verdict;
        try
        {
            verdict = RunReport.Write(RunResults.Load(folder), folder);
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or IndexOutOfRangeException or IOException)
        {
            return BenchCommandLine.Fail($"the report of {folder} could not be written: {e.Message}", exitCode: 1);
        }

        Console.WriteLine(verdict);
        Console.WriteLine($"Results: {folder}");
        Console.WriteLine($"Report:  {Path.Combine(folder, RunReport.FileName)}");
        return 0;
    }
}
