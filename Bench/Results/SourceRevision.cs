using System.Diagnostics;
using PerfKit.Bench.Infrastructure;

namespace PerfKit.Bench.Results;

/// <summary>The commit the running build came from, read from git (read only), for the record of a run.</summary>
public static class SourceRevision
{
    /// <summary>
    /// The commit of the repository's HEAD, followed by " + uncommitted changes" when the work tree differs from it,
    /// or "unknown (…)" when git cannot tell (no git, not a clone).
    /// </summary>
    public static string Describe()
    {
        string? commit = Git("rev-parse", "HEAD");
        if (commit is null)
        {
            return "unknown (not a git clone, or git is not installed)";
        }

        // Untracked files count (a new source file changes the build); ignored ones (results, bin, obj) do not.
        return string.IsNullOrEmpty(Git("status", "--porcelain")) ? commit : commit + " + uncommitted changes";
    }

    private static string? Git(params string[] arguments)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = RepositoryPaths.Root, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("--no-optional-locks"); // reading must not refresh the index behind a user's back
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            using Process process = Process.Start(start)!;
            string output = process.StandardOutput.ReadToEnd().Trim();
            process.StandardError.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // git is not installed
        }
    }
}
