using System.Diagnostics;

namespace PerfKit.PropertyTests.Bench;

/// <summary>Runs the built PerfKit.Bench executable, as a user would, and captures what it prints.</summary>
internal static class BenchProcess
{
    /// <summary>The repository: PropertyTests/bin/&lt;configuration&gt;/net10.0, four levels up.</summary>
    public static string RepositoryRoot { get; } =
        new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Parent!.Parent!.Parent!.FullName;

    /// <summary>
    /// Runs PerfKit.Bench (or <paramref name="executable"/>) with <paramref name="args"/> in
    /// <paramref name="workingDirectory"/> (default: the test's own).
    /// </summary>
    public static (int ExitCode, string Stdout, string Stderr) Run(string[] args, string? workingDirectory = null, string? executable = null)
    {
        // PropertyTests/bin/<configuration>/net10.0 → Bench/bin/<configuration>/net10.0
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string bench = executable ?? Path.Combine(RepositoryRoot, "Bench", "bin", here.Parent!.Name, here.Name, "PerfKit.Bench");
        Assert.True(File.Exists(bench), $"{Path.GetFileName(bench)} is not built at {bench}");
        var start = new ProcessStartInfo(bench) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (workingDirectory is not null)
        {
            start.WorkingDirectory = workingDirectory;
        }

        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        string stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr);
    }
}
