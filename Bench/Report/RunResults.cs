using PerfKit.Bench.Results;

namespace PerfKit.Bench.Report;

/// <summary>Everything one run measured, read from its folder: the manifest, the benchmark results and the other steps' files.</summary>
public sealed class RunResults
{
    private RunResults(string folder, RunManifest manifest, IReadOnlyList<BenchmarkResult> benchmarks)
    {
        Folder = folder;
        Manifest = manifest;
        Benchmarks = benchmarks;
    }

    /// <summary>The run folder.</summary>
    public string Folder { get; }

    /// <summary>The run's record.</summary>
    public RunManifest Manifest { get; }

    /// <summary>Every benchmark case the run measured.</summary>
    public IReadOnlyList<BenchmarkResult> Benchmarks { get; }

    /// <summary>The memory step's CSV (may not exist).</summary>
    public string MemoryCsv => Path.Combine(Folder, "memory", "memory.csv");

    /// <summary>The instrumentation-cost step's CSV (may not exist).</summary>
    public string OverheadCsv => Path.Combine(Folder, "overhead", "overhead.csv");

    /// <summary>The hit-rate step's CSV (may not exist).</summary>
    public string HitRateCsv => Path.Combine(Folder, "hitrate", "hitrate.csv");

    /// <summary>The first-eviction step's CSV (may not exist).</summary>
    public string FirstEvictionCsv => Path.Combine(Folder, "first-eviction", "first-eviction.csv");

    /// <summary>Reads the run in <paramref name="folder"/>.</summary>
    /// <exception cref="InvalidDataException">The folder is not a run folder (no <c>run.json</c>) or a file in it is malformed.</exception>
    public static RunResults Load(string folder)
    {
        RunManifest manifest = RunManifest.Load(folder)
            ?? throw new InvalidDataException($"{folder} is not a run folder: it has no {RunManifest.FileName}.");
        IReadOnlyList<BenchmarkResult> benchmarks = File.Exists(Path.Combine(folder, BenchmarkResultsFile.FileName))
            ? BenchmarkResultsFile.Read(folder)
            : BenchmarkResultsFile.Collect(folder);
        return new RunResults(folder, manifest, benchmarks);
    }

    /// <summary>The case <paramref name="type"/>.<paramref name="method"/> with <paramref name="parameters"/>, or null if the run did not measure it.</summary>
    public BenchmarkTiming? Timing(Type type, string method, params (string Name, string Value)[] parameters) =>
        BenchmarkTiming.Of(BenchmarkResult.Find(Benchmarks, type, method, parameters));
}
