using System.CommandLine;
using BenchmarkDotNet.ConsoleArguments;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using PerfKit.Bench.Cli;
using PerfKit.Bench.Report;
using PerfKit.Bench.Results;

namespace PerfKit.Bench.Runs;

/// <summary>
/// The root command: runs benchmark suites with BenchmarkDotNet into a run folder under perf-results/local/runs/,
/// records the run (<see cref="RunManifest"/>), and writes its report. With no arguments it is the default run, which
/// then measures the rest of the headline (<see cref="DefaultRunSteps"/>).
/// </summary>
public static class BenchmarkRunCommand
{
    /// <summary>PerfKit's default BenchmarkDotNet job, as the manifest names it.</summary>
    public const string DefaultJob = "PerfKit (1 launch, 3 warm-up and 10 measured iterations of 250 ms)";

    /// <summary>Runs the suites named at the start of <paramref name="tokens"/>, passing the rest to BenchmarkDotNet; returns the exit code.</summary>
    public static int Run(IReadOnlyList<string> tokens)
    {
        var suites = new List<Suite>();
        int firstOption = 0;
        for (; firstOption < tokens.Count && !tokens[firstOption].StartsWith('-'); firstOption++)
        {
            if (Suites.Find(tokens[firstOption]) is not { } suite)
            {
                return BenchCommandLine.Fail($"'{tokens[firstOption]}' is neither a suite ({string.Join(", ", Suites.All.Select(s => s.Name))}, headline, all) nor a command (see --help).");
            }

            suites.Add(suite);
        }

        // "--name=value" as two tokens, so that the options this command reads are found in either spelling.
        var passThrough = tokens.Skip(firstOption)
            .SelectMany(t => t.StartsWith("--", StringComparison.Ordinal) && t.IndexOf('=', StringComparison.Ordinal) is int eq and > 2 ? [t[..eq], t[(eq + 1)..]] : new[] { t })
            .ToList();
        bool defaultRun = tokens.Count == 0;
        if (suites.Count == 0)
        {
            suites.AddRange(defaultRun ? [Suites.Headline] : Suites.All);
        }

        // Never show BenchmarkDotNet's interactive menu: without a filter, run everything selected.
        bool filtered = passThrough.Any(a => a is "--filter" or "-f");
        if (!filtered)
        {
            passThrough.AddRange(["--filter", "*"]);
        }

        if (BenchmarkDotNetRefusal(passThrough) is { } refusal)
        {
            return BenchCommandLine.Fail(refusal);
        }

        // BenchmarkDotNet 0.15.8's EventPipeProfiler never stops its session under the in-process toolchain: it hangs.
        bool profilerEp = passThrough.Select((a, i) => (a, i)).Any(p => p.a is "--profiler" or "-p" && p.i + 1 < passThrough.Count && passThrough[p.i + 1] == "EP");
        if (profilerEp && passThrough.Any(a => a is "--inProcess" or "-i"))
        {
            return BenchCommandLine.Fail("--profiler EP hangs with the in-process toolchain (BenchmarkDotNet 0.15.8); drop --inProcess.");
        }

        int artifactsAt = passThrough.IndexOf("--artifacts");
        string folder = artifactsAt >= 0 && artifactsAt + 1 < passThrough.Count ? Path.GetFullPath(passThrough[artifactsAt + 1]) : RunFolders.NewBenchmarkRun();
        if (artifactsAt < 0)
        {
            passThrough.AddRange(["--artifacts", folder]);
        }
        else if (File.Exists(Path.Combine(folder, RunManifest.FileName)) || Directory.Exists(Path.Combine(folder, "results")))
        {
            return BenchCommandLine.Fail($"--artifacts {folder} already holds a run: give a new folder, so that one run's report never mixes in another's results.");
        }

        Type[] types = [.. suites.SelectMany(s => s.Types).Distinct()];
        string? job = JobArgument(passThrough);
        var manifest = new RunManifest
        {
            Run = Path.GetFileName(folder.TrimEnd(Path.DirectorySeparatorChar)),
            Arguments = [.. tokens],
            BenchmarkClasses = [.. types.Select(t => t.Name)],
            Job = job ?? DefaultJob,
            DefaultRun = defaultRun,
            Machine = MachineInfo.Current,
            Commit = SourceRevision.Describe(),
            StartedUtc = DateTime.UtcNow,
        };
        manifest.Save(folder);
        Console.WriteLine($"Run folder: {folder}");

        var switcher = BenchmarkSwitcher.FromTypes(types);
        List<Summary> summaries = [.. switcher.Run([.. passThrough], BenchConfig.Create(artifactsPath: null, addDefaultJob: job is null))];
        if (summaries.Count == 0 || summaries.All(s => s.Reports.IsEmpty))
        {
            if (artifactsAt < 0)
            {
                Directory.Delete(folder, recursive: true); // nothing ran: no run to keep
            }

            return BenchCommandLine.Fail("no benchmark matched the filter (see 'list' for the suites and their classes).");
        }

        BenchmarkResultsFile.Collect(folder);
        bool failed = summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success));
        manifest = manifest.WithStepDone("benchmarks");
        if (failed)
        {
            manifest = manifest with { Failure = "benchmarks: some cases failed or did not validate (see BenchmarkDotNet's output above)", FinishedUtc = DateTime.UtcNow };
            manifest.Save(folder);
            Console.Error.WriteLine($"error: some benchmarks failed; what did run is in {folder}");
            return 1;
        }

        manifest.Save(folder);
        return defaultRun ? DefaultRunSteps.Run(folder, manifest) : ReportCommand.Finish(folder, manifest);
    }

    /// <summary>The <c>benchmarkdotnet-help</c> command: BenchmarkDotNet's own options, which the root command passes through.</summary>
    public static Command CreateBenchmarkDotNetHelp()
    {
        var command = new Command("benchmarkdotnet-help", "List BenchmarkDotNet's own options (give them after any suite names; they pass through unchanged)");
        command.SetAction(_ =>
        {
            ConfigParser.Parse(["--help"], ConsoleLogger.Default);
            return 0;
        });
        return command;
    }

    // The job the arguments name (--job, --runtimes, ...), or null for PerfKit's default job.
    private static string? JobArgument(List<string> passThrough)
    {
        for (int i = 0; i < passThrough.Count - 1; i++)
        {
            if (passThrough[i] is "--job" or "-j" or "--runtimes" or "-r" or "--launchCount" or "--warmupCount" or "--iterationCount" or "--iterationTime"
                or "--minIterationCount" or "--maxIterationCount" or "--invocationCount" or "--unrollFactor" or "--strategy")
            {
                return $"{passThrough[i]} {passThrough[i + 1]}";
            }
        }

        return null;
    }

    // BenchmarkDotNet's own verdict on its arguments, as one line, or null if it accepts them.
    private static string? BenchmarkDotNetRefusal(List<string> passThrough)
    {
        var log = new AccumulationLogger();
        if (ConfigParser.Parse([.. passThrough], log).isSuccess)
        {
            return null;
        }

        // Its parser prints "ERROR(S):", the errors, a blank line, then its whole usage text.
        string[] lines = log.GetLog().Split('\n', StringSplitOptions.TrimEntries);
        string[] errors = [.. lines.SkipWhile(l => !l.StartsWith("ERROR", StringComparison.Ordinal)).Skip(1).TakeWhile(l => l.Length > 0 && !l.StartsWith("USAGE", StringComparison.Ordinal))];
        string message = errors.Length > 0 ? string.Join(' ', errors) : lines.FirstOrDefault(l => l.Length > 0) ?? "the arguments were refused";
        return $"BenchmarkDotNet: {message} (see: benchmarkdotnet-help)";
    }
}
