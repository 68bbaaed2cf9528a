using System.Globalization;
using PerfKit.Bench.Infrastructure;
using PerfKit.Reliability;

namespace PerfKit.Bench;

/// <summary><c>soak [--minutes N] [--threads N]</c>: the soak runner for long runs, with progress.</summary>
public static class SoakCommand
{
    /// <summary>Runs the command; returns the exit code (1 if any violation was found).</summary>
    public static int Run(IReadOnlyList<string> args)
    {
        double minutes = 1;
        int threads = 4;
        if (!BenchCommandLine.TryReadOptions(args, 0, new Dictionary<string, Func<string, bool>>(StringComparer.Ordinal)
            {
                ["--minutes"] = v => double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out minutes) && minutes > 0 && minutes <= 24 * 60,
                ["--threads"] = v => int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out threads) && threads is >= 2 and <= 8,
            }, "soak [--minutes N (0 < N <= 1440)] [--threads N (2-8)]"))
        {
            return 2;
        }

        Console.WriteLine($"Soak: {threads} threads for {minutes} min; integrity checked after every round.");
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
