using System.Globalization;
using System.Text.Json;

namespace PerfKit.Bench.Report;

/// <summary>One benchmark case read from a BenchmarkDotNet full-JSON report.</summary>
public sealed record BenchmarkResult(string Type, string Method, IReadOnlyDictionary<string, string> Parameters, double MeanNs, long BytesPerOp)
{
    /// <summary>Whether every given parameter matches.</summary>
    public bool Has(params (string Name, string Value)[] parameters) =>
        parameters.All(p => Parameters.TryGetValue(p.Name, out string? v) && v == p.Value);
}

/// <summary>The results of every dated run under perf-results/runs.</summary>
public sealed class BenchmarkResults
{
    private BenchmarkResults(IReadOnlyList<(string Run, IReadOnlyList<BenchmarkResult> Results, string Machine)> runs) => Runs = runs;

    /// <summary>Runs in date order, each with its results and the machine line BenchmarkDotNet printed.</summary>
    public IReadOnlyList<(string Run, IReadOnlyList<BenchmarkResult> Results, string Machine)> Runs { get; }

    /// <summary>Reads every <c>runs/*/results/*-report-full.json</c>.</summary>
    public static BenchmarkResults Load(string runsDirectory)
    {
        var runs = new List<(string, IReadOnlyList<BenchmarkResult>, string)>();
        if (!Directory.Exists(runsDirectory))
        {
            return new BenchmarkResults(runs);
        }

        foreach (string run in Directory.GetDirectories(runsDirectory).Order(StringComparer.Ordinal))
        {
            var results = new List<BenchmarkResult>();
            string machine = string.Empty;
            string resultsDir = Path.Combine(run, "results");
            foreach (string file in Directory.Exists(resultsDir) ? Directory.GetFiles(resultsDir, "*-report-full.json") : [])
            {
                using JsonDocument json = JsonDocument.Parse(File.ReadAllText(file));
                JsonElement host = json.RootElement.GetProperty("HostEnvironmentInfo");
                machine = $"{host.GetProperty("ProcessorName").GetString()}, {host.GetProperty("LogicalCoreCount").GetInt32()} logical cores, " +
                    $"{host.GetProperty("OsVersion").GetString()}, {host.GetProperty("RuntimeVersion").GetString()}, BenchmarkDotNet {host.GetProperty("BenchmarkDotNetVersion").GetString()}";
                foreach (JsonElement b in json.RootElement.GetProperty("Benchmarks").EnumerateArray())
                {
                    if (!b.TryGetProperty("Statistics", out JsonElement stats) || stats.ValueKind != JsonValueKind.Object)
                    {
                        continue; // a failed case
                    }

                    var parameters = (b.GetProperty("Parameters").GetString() ?? string.Empty)
                        .Split(["&", ", "], StringSplitOptions.RemoveEmptyEntries)
                        .Select(p => p.Split('=', 2))
                        .Where(p => p.Length == 2)
                        .ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
                    long bytes = b.TryGetProperty("Memory", out JsonElement memory) && memory.ValueKind == JsonValueKind.Object
                        ? memory.GetProperty("BytesAllocatedPerOperation").GetInt64() : 0;
                    results.Add(new BenchmarkResult(b.GetProperty("Type").GetString()!, b.GetProperty("Method").GetString()!, parameters,
                        stats.GetProperty("Mean").GetDouble(), bytes));
                }
            }

            if (results.Count > 0)
            {
                runs.Add((Path.GetFileName(run), results, machine));
            }
        }

        return new BenchmarkResults(runs);
    }

    /// <summary>The most recent run that measured <paramref name="type"/>, that run's results of it, and all of that run's results.</summary>
    public (string Run, IReadOnlyList<BenchmarkResult> Results, IReadOnlyList<BenchmarkResult> WholeRun)? Latest(string type)
    {
        for (int i = Runs.Count - 1; i >= 0; i--)
        {
            var mine = Runs[i].Results.Where(r => r.Type == type).ToList();
            if (mine.Count > 0)
            {
                return (Runs[i].Run, mine, Runs[i].Results);
            }
        }

        return null;
    }

    /// <summary>Mean of one case in a result set, or null.</summary>
    public static double? Mean(IReadOnlyList<BenchmarkResult> results, string method, params (string Name, string Value)[] parameters) =>
        results.FirstOrDefault(r => r.Method == method && r.Has(parameters))?.MeanNs;

    /// <summary>Formats nanoseconds.</summary>
    public static string Ns(double ns) => ns.ToString(ns < 10 ? "F2" : "F1", CultureInfo.InvariantCulture) + " ns";
}
