using System.Text.Json;

namespace PerfKit.Bench.Results;

/// <summary>
/// A run's benchmark results in one compact file, <c>benchmarks.json</c>: every case's mean, confidence interval and
/// allocations, collected from BenchmarkDotNet's full JSON reports (which also hold every measurement, and stay in
/// the local run folder).
/// </summary>
public static class BenchmarkResultsFile
{
    /// <summary>The file name inside a run folder.</summary>
    public const string FileName = "benchmarks.json";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>Collects <c>results/*-report-full.json</c> of <paramref name="runFolder"/> into its <see cref="FileName"/>; returns the results.</summary>
    public static IReadOnlyList<BenchmarkResult> Collect(string runFolder)
    {
        var results = new List<BenchmarkResult>();
        string resultsDir = Path.Combine(runFolder, "results");
        foreach (string file in Directory.Exists(resultsDir) ? [.. Directory.GetFiles(resultsDir, "*-report-full.json").Order(StringComparer.Ordinal)] : Array.Empty<string>())
        {
            using JsonDocument json = JsonDocument.Parse(File.ReadAllText(file));
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
                double mean = stats.GetProperty("Mean").GetDouble();
                // A run of one iteration (a dry job) has no interval: BenchmarkDotNet writes "NaN" there.
                (double lower, double upper) = stats.TryGetProperty("ConfidenceInterval", out JsonElement ci) && ci.ValueKind == JsonValueKind.Object
                    && ci.GetProperty("Lower").ValueKind == JsonValueKind.Number && ci.GetProperty("Upper").ValueKind == JsonValueKind.Number
                    ? (ci.GetProperty("Lower").GetDouble(), ci.GetProperty("Upper").GetDouble())
                    : (mean, mean);
                results.Add(new BenchmarkResult(b.GetProperty("Type").GetString()!, b.GetProperty("Method").GetString()!, parameters, mean, lower, upper, bytes));
            }
        }

        File.WriteAllText(Path.Combine(runFolder, FileName), JsonSerializer.Serialize(results, Json));
        return results;
    }

    /// <summary>Reads the <see cref="FileName"/> of <paramref name="runFolder"/>; an empty list if it has none.</summary>
    /// <exception cref="InvalidDataException">The file is not a list of results.</exception>
    public static IReadOnlyList<BenchmarkResult> Read(string runFolder)
    {
        string path = Path.Combine(runFolder, FileName);
        if (!File.Exists(path))
        {
            return [];
        }

        try
        {
            return JsonSerializer.Deserialize<List<BenchmarkResult>>(File.ReadAllText(path), Json) ?? [];
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not a list of benchmark results: {e.Message}", e);
        }
    }
}
