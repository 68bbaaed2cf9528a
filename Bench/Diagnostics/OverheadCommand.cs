using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime.Loader;
using System.Text;
using System.CommandLine;
using PerfKit.Bench.Cli;
using PerfKit.Bench.Results;
using PerfKit.Diagnostics;

namespace PerfKit.Bench.Diagnostics;

/// <summary>
/// <c>overhead [--rounds N] [--out DIR]</c>: the cost of the kit's instrumentation with nobody listening, measured
/// paired in one process. The kit is loaded into six load contexts of its own, three with the
/// <see cref="PerfKitDiagnostics.IsSupported"/> switch on and three with it off (the JIT compiles those without
/// their guards); each round runs the same hot path (<see cref="OverheadWorkload"/>) on each instrumented copy and
/// an uninstrumented partner, in random order, back to back. Pairing cancels the machine's drift, which between
/// separate processes (BenchmarkDotNet's cases) move identical code by a few percent; three copies a side average
/// out where the JIT happened to place each copy's code. Writes overhead.csv and README.md.
/// </summary>
public static class OverheadCommand
{
    private const double RoundMilliseconds = 5;
    private const int CopiesPerSide = 3;
    private const string CsvHeader = "rounds,instrumented_ns,uninstrumented_ns,difference_pct,low_pct,high_pct";

    /// <summary>The paired result: mean ns per operation of each copy, the mean per-round difference and its 95 % interval.</summary>
    public sealed record Result(int Rounds, double InstrumentedNs, double UninstrumentedNs, double DifferencePercent, double LowPercent, double HighPercent);

    /// <summary>Paired rounds unless <c>--rounds</c> says otherwise.</summary>
    public const int DefaultRounds = 300;

    /// <summary>The <c>overhead</c> command.</summary>
    public static Command Create()
    {
        Option<int> rounds = CliOptions.Whole("--rounds", "paired rounds of about 5 ms per copy", DefaultRounds, 10, 100_000);
        Option<DirectoryInfo?> output = CliOptions.Out("overhead");
        var command = new Command("overhead", "The instrumentation's cost with no listener: instrumented and uninstrumented copies of the kit, paired in one process") { rounds, output };
        command.SetAction(parsed => Run(parsed.GetValue(rounds), parsed.GetValue(output)?.FullName ?? RunFolders.NewCommandRun("overhead")));
        return command;
    }

    /// <summary>Measures <paramref name="rounds"/> paired rounds and writes overhead.csv and README.md into <paramref name="output"/>; returns the exit code.</summary>
    public static int Run(int rounds, string output)
    {
        if (!PerfKitDiagnostics.IsSupported)
        {
            return BenchCommandLine.Fail($"{PerfKitDiagnostics.IsSupportedSwitch} is off in this process: there is no instrumented copy to measure.");
        }

        Func<int, long>[] instrumented = [.. Enumerable.Range(0, CopiesPerSide).Select(i => LoadCopy(instrumented: true, i))];
        Func<int, long>[] uninstrumented = [.. Enumerable.Range(0, CopiesPerSide).Select(i => LoadCopy(instrumented: false, i))];
        WorkloadBanner.Print($"overhead: {rounds} paired rounds, {CopiesPerSide} copies a side");
        Result result = Measure(instrumented, uninstrumented, rounds);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"instrumented {result.InstrumentedNs:F2} ns/op, uninstrumented {result.UninstrumentedNs:F2} ns/op: {result.DifferencePercent:+0.00;−0.00} % (95 % interval {result.LowPercent:+0.00;−0.00} … {result.HighPercent:+0.00;−0.00} %, {result.Rounds} paired rounds)"));
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, "overhead.csv"), CsvHeader + "\n" +
            string.Create(CultureInfo.InvariantCulture, $"{result.Rounds},{result.InstrumentedNs:F3},{result.UninstrumentedNs:F3},{result.DifferencePercent:F3},{result.LowPercent:F3},{result.HighPercent:F3}\n"));
        File.WriteAllText(Path.Combine(output, "README.md"), ToMarkdown(result));
        Console.WriteLine($"Results: {output}");
        return 0;
    }

    /// <summary>Reads a result written by <see cref="Run"/>, or null if there is none.</summary>
    /// <exception cref="InvalidDataException">The file is not an overhead table.</exception>
    public static Result? Read(string csv)
    {
        if (StepTable.ReadRow(csv, CsvHeader) is not { } f)
        {
            return null;
        }

        if (!f.Skip(1).All(x => double.TryParse(x, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            || !int.TryParse(f[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out int rounds))
        {
            throw new InvalidDataException($"{csv} is not an overhead table: '{string.Join(',', f)}' is not a row of numbers.");
        }

        double D(int i) => double.Parse(f[i], CultureInfo.InvariantCulture);
        return new Result(rounds, D(1), D(2), D(3), D(4), D(5));
    }

    private static Func<int, long> LoadCopy(bool instrumented, int index)
    {
        AppContext.SetSwitch(PerfKitDiagnostics.IsSupportedSwitch, instrumented);
        try
        {
            var context = new KitCopyContext($"PerfKit copy {index}, instrumentation {(instrumented ? "in" : "out")}");
            Type workload = context.LoadFromAssemblyName(typeof(OverheadWorkload).Assembly.GetName())
                .GetType(typeof(OverheadWorkload).FullName!, throwOnError: true)!;
            // Reading the property initialises this copy's switch, now.
            if ((bool)workload.GetProperty(nameof(OverheadWorkload.InstrumentationCompiledIn))!.GetValue(null)! != instrumented)
            {
                throw new InvalidOperationException("a copy of the kit did not see the switch as set");
            }

            return (Func<int, long>)workload.GetMethod(nameof(OverheadWorkload.Create))!.Invoke(null, null)!;
        }
        finally
        {
            AppContext.SetSwitch(PerfKitDiagnostics.IsSupportedSwitch, true); // the process's own copy read it long ago
        }
    }

    private static Result Measure(Func<int, long>[] instrumented, Func<int, long>[] uninstrumented, int rounds)
    {
        // Warm every copy up to optimised code (tiering needs calls and time), then size a run at about 5 ms.
        var warm = Stopwatch.StartNew();
        while (warm.Elapsed < TimeSpan.FromSeconds(3))
        {
            foreach (Func<int, long> copy in instrumented.Concat(uninstrumented))
            {
                copy(8);
            }
        }

        long probe = instrumented[0](64);
        int batches = Math.Max(1, (int)(RoundMilliseconds / 1000 * Stopwatch.Frequency * 64 / Math.Max(1, probe)));
        double opsPerRun = 2.0 * OverheadWorkload.Batch * batches;
        double NsPerOp(long ticks) => ticks * 1e9 / Stopwatch.Frequency / opsPerRun;
        var random = new Random(2026);
        var differences = new double[rounds];
        double sumOn = 0, sumOff = 0;
        for (int r = 0; r < rounds; r++)
        {
            double roundDifference = 0;
            for (int pair = 0; pair < CopiesPerSide; pair++)
            {
                // Each instrumented copy with a different uninstrumented partner every round, in random order.
                Func<int, long> on = instrumented[pair], off = uninstrumented[(pair + r) % CopiesPerSide];
                double onNs, offNs;
                if (random.Next(2) == 0)
                {
                    onNs = NsPerOp(on(batches));
                    offNs = NsPerOp(off(batches));
                }
                else
                {
                    offNs = NsPerOp(off(batches));
                    onNs = NsPerOp(on(batches));
                }

                roundDifference += (onNs / offNs - 1) * 100 / CopiesPerSide;
                sumOn += onNs;
                sumOff += offNs;
            }

            differences[r] = roundDifference;
            if ((r + 1) % 100 == 0)
            {
                Console.WriteLine($"  {r + 1}/{rounds} rounds");
            }
        }

        double mean = differences.Average();
        double sd = Math.Sqrt(differences.Sum(d => (d - mean) * (d - mean)) / (rounds - 1));
        double half = 1.96 * sd / Math.Sqrt(rounds);
        int runs = rounds * CopiesPerSide;
        return new Result(rounds, sumOn / runs, sumOff / runs, mean, mean - half, mean + half);
    }

    private static string ToMarkdown(Result r)
    {
        var md = new StringBuilder();
        md.Append("# Instrumentation cost with no listener (paired, one process)\n\n");
        md.Append("Generated by `dotnet run -c Release --project Bench -- overhead` (part of the default run); do not edit by hand.\n\n");
        md.Append("The kit is loaded six times into one process, each copy in its own load context: three with `PerfKit.Diagnostics.IsSupported` ");
        md.Append("on, three with it off (the JIT compiles those without their guards). Each round runs the same LRU hot path (lookups of ");
        md.Append("recent keys and evicting updates on a full 4,096-entry map, CPU 0, about 5 ms a run) on every instrumented copy and an ");
        md.Append("uninstrumented partner, back to back in random order. Differences are taken within a round, so the machine's drift ");
        md.Append("cancels, and averaged over three copies a side, so where the JIT placed one copy's code does not decide the result.\n\n");
        md.Append("| rounds | instrumented | uninstrumented | difference (mean of rounds) | 95 % interval |\n|---:|---:|---:|---:|---|\n");
        md.Append(string.Create(CultureInfo.InvariantCulture,
            $"| {r.Rounds} | {r.InstrumentedNs:F2} ns/op | {r.UninstrumentedNs:F2} ns/op | {r.DifferencePercent:+0.00;−0.00} % | {r.LowPercent:+0.00;−0.00} % … {r.HighPercent:+0.00;−0.00} % |\n"));
        return md.ToString();
    }

    // A copy of the kit: PerfKit's own assemblies loaded again from the application directory; everything else
    // (the runtime, BenchmarkDotNet, ...) is shared with the default context.
    private sealed class KitCopyContext(string name) : AssemblyLoadContext(name, isCollectible: false)
    {
        protected override Assembly? Load(AssemblyName assemblyName) =>
            assemblyName.Name is { } name && name.StartsWith("PerfKit.", StringComparison.Ordinal)
                ? LoadFromAssemblyPath(Path.Combine(AppContext.BaseDirectory, name + ".dll"))
                : null;
    }
}
