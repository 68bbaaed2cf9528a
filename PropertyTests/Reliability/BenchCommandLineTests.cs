using System.Diagnostics;

namespace PerfKit.PropertyTests.Reliability;

/// <summary>Every bad command line of PerfKit.Bench ends with one "error:" line and exit code 2, never a stack trace.</summary>
public sealed class BenchCommandLineTests
{
    public static TheoryData<string> BadCommandLines =>
    [
        "nosuchsuite",
        "hitrate --bogus",
        "hitrate --traces /nonexistent/traces",
        "hitrate --trace",
        "trace",
        "trace nosuchworkload",
        "trace cookies --seconds abc",
        "trace cookies --seconds -1",
        "trace cookies --bogus",
        "analyze",
        "analyze /nonexistent/file.nettrace",
        "analyze " + typeof(BenchCommandLineTests).Assembly.Location, // exists, not a trace
        "soak --threads 9",
        "soak --minutes zero",
        "workload nosuch 1",
        "--filter *CookieCost* --profiler EP --inProcess",
    ];

    [Theory]
    [MemberData(nameof(BadCommandLines))]
    public void BadCommandLine_GivesOneErrorLine_AndExitCode2(string commandLine)
    {
        string[] args = commandLine.Split(' ');
        (int exitCode, string stdout, string stderr) = RunBench(args);
        Assert.True(exitCode == 2, $"exit code {exitCode} for '{string.Join(' ', args)}'\nstdout: {stdout}\nstderr: {stderr}");
        string[] lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("error: ", lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stdout + stderr, StringComparison.Ordinal); // no stack trace
    }

    [Fact]
    public void List_ShowsTheSuites()
    {
        (int exitCode, string stdout, _) = RunBench(["--list"]); // a collection expression, not a constant array field
        Assert.Equal(0, exitCode);
        foreach (string suite in new[] { "cookies", "maps", "hooks", "diagnostics" })
        {
            Assert.Contains(suite, stdout, StringComparison.Ordinal);
        }
    }

    private static (int ExitCode, string Stdout, string Stderr) RunBench(string[] args)
    {
        // PropertyTests/bin/<configuration>/net10.0 → Bench/bin/<configuration>/net10.0
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string configuration = here.Parent!.Name;
        string repository = here.Parent.Parent!.Parent!.Parent!.FullName;
        string bench = Path.Combine(repository, "Bench", "bin", configuration, here.Name, "PerfKit.Bench");
        Assert.True(File.Exists(bench), $"PerfKit.Bench is not built at {bench}");
        var start = new ProcessStartInfo(bench) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
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
