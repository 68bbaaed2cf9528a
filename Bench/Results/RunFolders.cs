using System.Globalization;
using PerfKit.Bench.Infrastructure;

namespace PerfKit.Bench.Results;

/// <summary>
/// Where results go. A user's runs and commands write only under <c>perf-results/local/</c>, which git ignores; the
/// project's reference results under <c>perf-results/published/</c> change only through <c>publish</c>.
/// </summary>
public static class RunFolders
{
    /// <summary>The ignored folder of a user's results.</summary>
    public static string Local => Path.Combine(RepositoryPaths.PerfResults, "local");

    /// <summary>The tracked folder of the published reference runs, one per machine kind.</summary>
    public static string Published => Path.Combine(RepositoryPaths.PerfResults, "published");

    /// <summary>The tracked notes that explain why a goal is short, one markdown file per goal id.</summary>
    public static string Notes => Path.Combine(RepositoryPaths.PerfResults, "notes");

    /// <summary>A name for a run started now: <c>yyyy-MM-dd_HHmmss</c> (UTC).</summary>
    public static string NewRunName() => DateTime.UtcNow.ToString("yyyy-MM-dd_HHmmss", CultureInfo.InvariantCulture);

    /// <summary>A new folder for a benchmark run: <c>perf-results/local/runs/&lt;run&gt;</c>.</summary>
    public static string NewBenchmarkRun() => Unused(Path.Combine(Local, "runs"));

    /// <summary>A new folder for one run of <paramref name="command"/>: <c>perf-results/local/&lt;command&gt;/&lt;run&gt;</c>.</summary>
    public static string NewCommandRun(string command) => Unused(Path.Combine(Local, command));

    // The run name, with "-2", "-3", ... when a run of the same second already has it.
    private static string Unused(string parent)
    {
        string name = NewRunName(), path = Path.Combine(parent, name);
        for (int n = 2; Directory.Exists(path); n++)
        {
            path = Path.Combine(parent, $"{name}-{n}");
        }

        return path;
    }

    /// <summary>The most recent benchmark run folder under <c>perf-results/local/runs</c>, or null if there is none.</summary>
    public static string? LatestBenchmarkRun()
    {
        string runs = Path.Combine(Local, "runs");
        return Directory.Exists(runs)
            ? Directory.GetDirectories(runs).Where(d => File.Exists(Path.Combine(d, RunManifest.FileName))).Order(StringComparer.Ordinal).LastOrDefault()
            : null;
    }
}
