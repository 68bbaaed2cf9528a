using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.CommandLine;
using PerfKit.Bench.Cli;
using PerfKit.Bench.Infrastructure;
using PerfKit.Bench.Results;

namespace PerfKit.Bench.HitRate;

/// <summary>
/// <c>hitrate [--traces DIR] [--workload NAME]... [--out DIR]</c>: replays each built-in workload and real trace at its
/// capacities through every policy and writes the hit rates (markdown, CSV) and one plot per workload.
/// </summary>
public static class HitRateCommand
{
    /// <summary>One measured point.</summary>
    public sealed record Result(string Trace, int Capacity, string Policy, long Hits, long Requests)
    {
        /// <summary>Hits as a percentage of requests.</summary>
        public double HitRate => 100.0 * Hits / Requests;
    }

    /// <summary>The <c>hitrate</c> command.</summary>
    public static Command Create()
    {
        var traces = new Option<DirectoryInfo?>("--traces")
        {
            Description = "a folder of real cache traces (*.lis.gz in the ARC format, other *.gz one key per line) to replay beside the built-in workloads [default: ../shared/traces beside the repository, when it exists]",
            HelpName = "DIR",
        };
        var only = new Option<string[]>("--workload")
        {
            Description = $"replay only the workloads or traces whose name starts with this (repeatable); built in: {string.Join(", ", SyntheticWorkloads.Names)}",
            HelpName = "NAME",
            AllowMultipleArgumentsPerToken = false,
        };
        Option<DirectoryInfo?> output = CliOptions.Out("hitrate");
        var command = new Command("hitrate",
            "Hit rate against capacity of the LRU map (both flavors), exact LRU, BitFaster's ConcurrentLru and ConcurrentLfu, and Bélády's optimum, on built-in workloads and real traces")
        {
            traces, only, output,
        };
        command.SetAction(parsed => Run(parsed.GetValue(traces)?.FullName, parsed.GetValue(only) ?? [], parsed.GetValue(output)?.FullName ?? RunFolders.NewCommandRun("hitrate")));
        return command;
    }

    /// <summary>
    /// Replays the built-in workloads, and the real traces in <paramref name="traces"/> (or in ../shared/traces when
    /// null and that exists), keeping those whose name starts with one of <paramref name="only"/> (all if empty), and
    /// writes README.md, hitrate.csv and a plot per workload into <paramref name="output"/>; returns the exit code.
    /// </summary>
    public static int Run(string? traces, IReadOnlyList<string> only, string output)
    {
        string beside = Path.GetFullPath(Path.Combine(RepositoryPaths.Root, "..", "shared", "traces"));
        if (traces is not null && !Directory.Exists(traces))
        {
            return BenchCommandLine.Fail($"trace folder '{traces}' does not exist.");
        }

        string? traceFolder = traces ?? (Directory.Exists(beside) ? beside : null);
        bool Selected(string name) => only.Count == 0 || only.Any(o => name.StartsWith(o, StringComparison.OrdinalIgnoreCase));
        string[] synthetic = [.. SyntheticWorkloads.Names.Where(Selected)];
        string[] files = traceFolder is null ? [] : [.. Directory.GetFiles(traceFolder, "*.gz").Order(StringComparer.Ordinal).Where(f => Selected(Path.GetFileName(f)))];
        if (traces is not null && files.Length == 0 && only.Count == 0)
        {
            return BenchCommandLine.Fail($"no *.gz trace in '{traces}'.");
        }

        if (synthetic.Length + files.Length == 0)
        {
            return BenchCommandLine.Fail($"no workload or trace starts with {string.Join(" or ", only.Select(o => $"'{o}'"))}; built in: {string.Join(", ", SyntheticWorkloads.Names)}{(traceFolder is null ? string.Empty : $"; traces in {traceFolder}")}.");
        }

        WorkloadBanner.Print($"hitrate: {synthetic.Length} built-in workloads, {files.Length} real traces{(traceFolder is null ? " (no trace folder: give --traces DIR to add real traces)" : $" from {traceFolder}")}");
        var results = new List<Result>();
        var loaded = new List<CacheTrace>();
        var workloads = synthetic.Select(name => (Name: name, Load: (Func<CacheTrace>)(() => SyntheticWorkloads.Create(name))))
            .Concat(files.Select(file => (Name: Path.GetFileName(file), Load: (Func<CacheTrace>)(() => CacheTrace.Load(file)))))
            .ToList();
        for (int w = 0; w < workloads.Count; w++)
        {
            CacheTrace trace;
            try
            {
                trace = workloads[w].Load();
            }
            catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                return BenchCommandLine.Fail(e.Message, exitCode: 1);
            }

            loaded.Add(trace);
            Console.WriteLine($"[{w + 1}/{workloads.Count}] {trace.Name}: {trace.Keys.Length:N0} requests, {trace.Keys.Distinct().Count():N0} unique keys");
            foreach (int capacity in trace.Capacities)
            {
                var clock = Stopwatch.StartNew();
                var line = new StringBuilder().Append(CultureInfo.InvariantCulture, $"  capacity {capacity,5}:");
                foreach (string policy in HitRatePolicies.Names)
                {
                    Result result = Replay(trace, capacity, policy);
                    results.Add(result);
                    line.Append(CultureInfo.InvariantCulture, $"  {policy} {result.HitRate:F2}%");
                }

                Console.WriteLine(line.Append(CultureInfo.InvariantCulture, $"  ({clock.Elapsed.TotalSeconds:F1} s)"));
            }
        }

        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, "hitrate.csv"), ToCsv(results));
        File.WriteAllText(Path.Combine(output, "README.md"), ToMarkdown(loaded, results));
        string machine = MachineInfo.Current.ToString();
        foreach (CacheTrace trace in loaded)
        {
            HitRatePlot.Save(trace.Name, results.Where(r => r.Trace == trace.Name).ToList(), Path.Combine(output, trace.Name + ".png"),
                PlotLook.Caption($"hitrate, {trace.Keys.Length:N0} requests, deterministic", machine, DateTime.UtcNow));
        }

        Console.WriteLine($"Results: {output}");
        return 0;
    }

    /// <summary>Replays <paramref name="trace"/> through a fresh <paramref name="policy"/> at <paramref name="capacity"/>.</summary>
    public static Result Replay(CacheTrace trace, int capacity, string policy)
    {
        using CpuPin pin = Cpu.Pin(0);
        IHitRatePolicy cache = HitRatePolicies.Create(policy, capacity, trace.Keys);
        long hits = 0;
        for (int i = 0; i < trace.Keys.Length; i++)
        {
            hits += cache.Request(trace.Keys[i], i) ? 1 : 0;
        }

        return new Result(trace.Name, capacity, policy, hits, trace.Keys.Length);
    }

    private const string CsvHeader = "trace,capacity,policy,hits,requests,hit_rate_percent";

    /// <summary>Reads what <see cref="Run"/> wrote to <paramref name="csv"/>, or null if there is no such file.</summary>
    /// <exception cref="InvalidDataException">The file is not a hit-rate table.</exception>
    public static IReadOnlyList<Result>? Read(string csv)
    {
        if (!File.Exists(csv))
        {
            return null;
        }

        string[] lines = File.ReadAllLines(csv);
        if (lines.Length == 0 || lines[0] != CsvHeader)
        {
            throw new InvalidDataException($"{csv} is not a hit-rate table (expected the header '{CsvHeader}').");
        }

        try
        {
            return [.. lines.Skip(1).Select(l => l.Split(',')).Select(f => new Result(f[0], int.Parse(f[1], CultureInfo.InvariantCulture), f[2],
                long.Parse(f[3], CultureInfo.InvariantCulture), long.Parse(f[4], CultureInfo.InvariantCulture)))];
        }
        catch (Exception e) when (e is FormatException or IndexOutOfRangeException or OverflowException)
        {
            throw new InvalidDataException($"{csv} is not a hit-rate table: {e.Message}", e);
        }
    }

    private static string ToCsv(List<Result> results)
    {
        var csv = new StringBuilder(CsvHeader + "\n");
        foreach (Result r in results)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{r.Trace},{r.Capacity},{r.Policy},{r.Hits},{r.Requests},{r.HitRate:F3}\n");
        }

        return csv.ToString();
    }

    private static string ToMarkdown(List<CacheTrace> traces, List<Result> results)
    {
        var md = new StringBuilder();
        md.Append("# Hit rates\n\n")
          .Append("Generated by `dotnet run -c Release --project Bench -- hitrate` (deterministic: rerunning gives the same numbers). ")
          .Append("The built-in workloads (zipf-*, loop-*, scan-in-hot-set, shifting-working-set) need no files; real traces are added ")
          .Append("with `--traces DIR`, or from ../shared/traces when it exists beside the repository. ")
          .Append("Each workload is replayed at each capacity through a fresh instance of each policy: a request that finds its key ")
          .Append("is a hit; a miss admits the key. The LRU maps run on one pinned CPU (PossibleCpus = 1): program lookup, update on ")
          .Append("a miss. ConcurrentLfu runs its maintenance in the foreground. OPT is Bélády's offline optimum.\n\n");
        foreach (CacheTrace trace in traces)
        {
            md.Append(CultureInfo.InvariantCulture, $"## {trace.Name}\n\n{trace.Keys.Length:N0} requests. ![{trace.Name}]({trace.Name}.png)\n\n");
            md.Append("| capacity | ").AppendJoin(" | ", HitRatePolicies.Names).Append(" |\n|---:|").Append(string.Concat(Enumerable.Repeat("---:|", HitRatePolicies.Names.Length))).Append('\n');
            foreach (int capacity in trace.Capacities)
            {
                md.Append(CultureInfo.InvariantCulture, $"| {capacity} |");
                foreach (string policy in HitRatePolicies.Names)
                {
                    Result r = results.Single(x => x.Trace == trace.Name && x.Capacity == capacity && x.Policy == policy);
                    md.Append(CultureInfo.InvariantCulture, $" {r.HitRate:F2} % |");
                }

                md.Append('\n');
            }

            md.Append('\n');
        }

        return md.ToString();
    }

}
