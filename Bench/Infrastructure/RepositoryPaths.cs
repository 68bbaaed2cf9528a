namespace PerfKit.Bench.Infrastructure;

/// <summary>Locates the repository (the folder holding PerfKit.sln) and its perf-results folder.</summary>
public static class RepositoryPaths
{
    /// <summary>The repository root: the nearest folder at or above the working directory that holds PerfKit.sln, else the working directory.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The perf-results folder under <see cref="Root"/>.</summary>
    public static string PerfResults => Path.Combine(Root, "perf-results");

    private static string FindRoot()
    {
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (DirectoryInfo? dir = new(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "PerfKit.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        return Directory.GetCurrentDirectory();
    }
}
