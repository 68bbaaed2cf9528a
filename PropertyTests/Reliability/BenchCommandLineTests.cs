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
        "report --perf-results /nonexistent/perf-results",
        "report --bogus",
        "overhead --rounds 5",
        "overhead --bogus",
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

    [Fact]
    public void Report_RegeneratesTheHeadline_FromTheCommittedResults()
    {
        string committed = Path.Combine(RepositoryRoot(), "perf-results");
        string copy = Directory.CreateTempSubdirectory("perfkit-report").FullName;
        try
        {
            foreach (string folder in new[] { "runs", "memory", "hitrate", "overhead" })
            {
                CopyTree(Path.Combine(committed, folder), Path.Combine(copy, folder));
            }

            (int exitCode, _, string stderr) = RunBench(["report", "--perf-results", copy]);
            Assert.True(exitCode == 0, stderr);
            string readme = File.ReadAllText(Path.Combine(copy, "README.md"));
            Assert.Contains("| Batched cookies ≥ 10× shared atomic, 2 threads |", readme, StringComparison.Ordinal);
            Assert.Contains("| LRU map ≤ 0.5× ConcurrentLru bytes per entry at 1 M entries | 48.4 B/entry |", readme, StringComparison.Ordinal);
            Assert.Contains("## Trend of the headline ratios over runs", readme, StringComparison.Ordinal);
            Assert.Contains("| EventSource cost with no listener ≤ 2 % | instrumented ", readme, StringComparison.Ordinal);
            Assert.DoesNotContain("not measured", readme, StringComparison.Ordinal); // every goal found its class
            Assert.True(File.Exists(Path.Combine(copy, "plots", "hook-latency.png")));
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    [Fact]
    public void Overhead_LoadsInstrumentedAndUninstrumentedCopies_AndWritesItsTable()
    {
        string output = Directory.CreateTempSubdirectory("perfkit-overhead").FullName;
        try
        {
            // The command fails unless every copy of the kit saw the switch as it was set for that copy.
            (int exitCode, string stdout, string stderr) = RunBench(["overhead", "--rounds", "10", "--out", output]);
            Assert.True(exitCode == 0, stdout + stderr);
            string[] csv = File.ReadAllLines(Path.Combine(output, "overhead.csv"));
            Assert.Equal("rounds,instrumented_ns,uninstrumented_ns,difference_pct,low_pct,high_pct", csv[0]);
            Assert.StartsWith("10,", csv[1], StringComparison.Ordinal);
            Assert.Contains("| rounds | instrumented | uninstrumented |", File.ReadAllText(Path.Combine(output, "README.md")), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    private static void CopyTree(string from, string to)
    {
        foreach (string file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    // PropertyTests/bin/<configuration>/net10.0 → the repository
    private static string RepositoryRoot() =>
        new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Parent!.Parent!.Parent!.FullName;

    private static (int ExitCode, string Stdout, string Stderr) RunBench(string[] args)
    {
        // PropertyTests/bin/<configuration>/net10.0 → Bench/bin/<configuration>/net10.0
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string bench = Path.Combine(RepositoryRoot(), "Bench", "bin", here.Parent!.Name, here.Name, "PerfKit.Bench");
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
