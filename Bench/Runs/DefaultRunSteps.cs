using PerfKit.Bench.Cli;
using PerfKit.Bench.Report;
using PerfKit.Bench.Results;

namespace PerfKit.Bench.Runs;

/// <summary>
/// The default run after its benchmarks: the memory table, the instrumentation cost, the hook latency distributions,
/// the hit rates and the first-eviction fill, each into its own folder of the run, then the report. A failing step fails the run (exit 1),
/// and the manifest says which step and why.
/// </summary>
public static class DefaultRunSteps
{
    /// <summary>Runs the steps into <paramref name="folder"/>; returns the exit code.</summary>
    public static int Run(string folder, RunManifest manifest)
    {
        (string Name, Func<string, int> Step)[] steps =
        [
            ("memory", output => Memory.MemoryCommand.Run(Memory.MemoryCommand.DefaultEntries, output)),
            ("overhead", output => Diagnostics.OverheadCommand.Run(Diagnostics.OverheadCommand.DefaultRounds, output)),
            ("hook-latency", output => Hooks.HookLatencyCommand.Run(Hooks.HookLatencyCommand.DefaultCalls, output)),
            ("hitrate", output => HitRate.HitRateCommand.Run(traces: null, only: [], output)),
            ("first-eviction", Maps.FirstEvictionStep.Run),
        ];
        foreach ((string name, Func<string, int> step) in steps)
        {
            Console.WriteLine($"== {name}");
            string? failure;
            try
            {
                int exitCode = step(Path.Combine(folder, name));
                failure = exitCode == 0 ? null : $"exit code {exitCode} (see its output)";
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or InvalidOperationException)
            {
                failure = $"{e.GetType().Name}: {e.Message}";
            }

            if (failure is not null)
            {
                (manifest with { Failure = $"{name}: {failure}", FinishedUtc = DateTime.UtcNow }).Save(folder);
                return BenchCommandLine.Fail($"the default run's {name} step failed ({failure}); the run stops here. What ran is in {folder}", exitCode: 1);
            }

            manifest = manifest.WithStepDone(name);
            manifest.Save(folder);
        }

        return ReportCommand.Finish(folder, manifest);
    }
}
