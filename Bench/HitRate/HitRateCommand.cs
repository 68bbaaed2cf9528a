using System.Diagnostics;
using System.Globalization;
using System.Text;
using PerfKit.Bench.Infrastructure;

namespace PerfKit.Bench.HitRate;

/// <summary>
/// <c>hitrate [--traces DIR] [--trace NAME]... [--out DIR]</c>: replays each trace at its capacities through every
/// policy and writes the hit rates (markdown, CSV) and one plot per trace.
/// </summary>
public static class HitRateCommand
{
    /// <summary>One measured point.</summary>
    public sealed record Result(string Trace, int Capacity, string Policy, long Hits, long Requests)
    {
        /// <summary>Hits as a percentage of requests.</summary>
        public double HitRate => 100.0 * Hits / Requests;
    }

    /// <summary>Runs the command; returns the process exit code.</summary>
    public static int Run(IReadOnlyList<string> args)
    {
        string traces = Path.GetFullPath(Path.Combine(RepositoryPaths.Root, "..", "shared", "traces"));
        string output = Path.Combine(RepositoryPaths.PerfResults, "hitrate");
        var only = new List<string>();
        if (!BenchCommandLine.TryReadOptions(args, 0, new Dictionary<string, Func<string, bool>>(StringComparer.Ordinal)
            {
                ["--traces"] = v => (traces = Path.GetFullPath(v)) is not null,
                ["--trace"] = v => { only.Add(v); return true; },
                ["--out"] = v => (output = Path.GetFullPath(v)) is not null,
            }, "hitrate [--traces DIR] [--trace NAME]... [--out DIR]"))
        {
            return 2;
        }

        if (!Directory.Exists(traces))
        {
            return BenchCommandLine.Fail($"trace folder '{traces}' does not exist (expected ../shared/traces beside the repository, or give --traces DIR).");
        }

        string[] files = Directory.GetFiles(traces, "*.gz").Order(StringComparer.Ordinal).ToArray();
        if (only.Count > 0)
        {
            files = files.Where(f => only.Any(o => Path.GetFileName(f).StartsWith(o, StringComparison.OrdinalIgnoreCase))).ToArray();
        }

        if (files.Length == 0)
        {
            return BenchCommandLine.Fail($"no trace matched in '{traces}'.");
        }

        var results = new List<Result>();
        var loaded = new List<CacheTrace>();
        foreach (string file in files)
        {
            CacheTrace trace;
            try
            {
                trace = CacheTrace.Load(file);
            }
            catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                return BenchCommandLine.Fail(e.Message);
            }

            loaded.Add(trace);
            Console.WriteLine($"{trace.Name}: {trace.Keys.Length:N0} requests, {trace.Keys.Distinct().Count():N0} unique keys");
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
        foreach (CacheTrace trace in loaded)
        {
            HitRatePlot.Save(trace.Name, results.Where(r => r.Trace == trace.Name).ToList(), Path.Combine(output, trace.Name + ".png"));
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

    private static string ToCsv(List<Result> results)
    {
        var csv = new StringBuilder("trace,capacity,policy,hits,requests,hit_rate_percent\n");
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
          .Append("Each trace is replayed at each capacity through a fresh instance of each policy: a request that finds its key ")
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
