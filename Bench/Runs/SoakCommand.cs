using System.Globalization;
using System.CommandLine;
using PerfKit.Bench.Cli;
using PerfKit.Reliability;

namespace PerfKit.Bench.Runs;

/// <summary><c>soak [--minutes N] [--threads N]</c>: the soak runner for long runs, with progress.</summary>
public static class SoakCommand
{
    /// <summary>The <c>soak</c> command.</summary>
    public static Command Create()
    {
        Option<double> minutes = CliOptions.Number("--minutes", "how long to run", 1, 0.01, 24 * 60);
        Option<int> threads = CliOptions.Whole("--threads", "threads hammering the maps", 4, 2, 8);
        var command = new Command("soak", "The soak runner: threads mixing every map operation for minutes, integrity checked after every round (exit 1 on a violation)")
        {
            minutes, threads,
        };
        command.SetAction(parsed => Run(parsed.GetValue(minutes), parsed.GetValue(threads)));
        return command;
    }

    /// <summary>Soaks for <paramref name="minutes"/> with <paramref name="threads"/> threads; returns the exit code (1 if any violation was found).</summary>
    public static int Run(double minutes, int threads)
    {
        WorkloadBanner.Print($"soak: {threads} threads for {minutes} min");
        Console.WriteLine("Integrity is checked after every round.");
        DateTime last = DateTime.UtcNow;
        var progress = new Progress<(int Round, long Operations, int Violations)>(p =>
        {
            if (DateTime.UtcNow - last > TimeSpan.FromSeconds(5))
            {
                last = DateTime.UtcNow;
                Console.WriteLine($"  round {p.Round}: {p.Operations:N0} operations, {p.Violations} violations");
            }
        });
        SoakReport report = SoakRunner.Run(new SoakOptions(threads, TimeSpan.FromMinutes(minutes)), progress);
        Console.WriteLine($"Done: {report.Rounds} rounds, {report.Operations:N0} operations, {report.Violations.Count} violations.");
        foreach (string violation in report.Violations.Take(50))
        {
            Console.WriteLine("  " + violation);
        }

        return report.Violations.Count == 0 ? 0 : 1;
    }
}
