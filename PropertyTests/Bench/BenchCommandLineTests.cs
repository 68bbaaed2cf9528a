using System.Diagnostics;

namespace PerfKit.PropertyTests.Bench;

/// <summary>Every bad command line of PerfKit.Bench ends with one "error:" line and exit code 2, never a stack trace.</summary>
public sealed class BenchCommandLineTests
{
    public static TheoryData<string> BadCommandLines =>
    [
        "nosuchsuite",
        "maps --nosuchbenchmarkdotnetoption",
        "maps --job nosuchjob",
        "hitrate --bogus",
        "hitrate --traces /nonexistent/traces",
        "hitrate --workload",
        "hitrate --workload nosuchworkload",
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
        "report /nonexistent/run",
        "report --bogus",
        "report " + Path.GetTempPath(), // a folder, not a run folder
        "publish",
        "publish /nonexistent/run",
        "overhead --rounds 5",
        "overhead --bogus",
        "kernel --rounds 100",
        "kernel-check --map nosuchmap",
        "help nosuchcommand",
        "plan --cpus 0",
        "plan --workload nosuchworkload",
        "plan --target-hit-rate 2",
        "plan --cpu-rule nosuchrule",
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

    [Theory]
    [InlineData("--help")]
    [InlineData("help")]
    [InlineData("-h")]
    public void Help_ListsEveryCommandAndSuite(string help)
    {
        (int exitCode, string stdout, string stderr) = RunBench([help]);
        Assert.True(exitCode == 0, stderr);
        foreach (string name in new[] { "list", "report", "publish", "hitrate", "plan", "memory", "overhead", "hook-latency", "kernel-check", "kernel", "soak", "trace", "analyze", "benchmarkdotnet-help" })
        {
            Assert.Contains($"\n  {name} ", stdout, StringComparison.Ordinal);
        }

        foreach (string suite in new[] { "cookies", "maps", "hooks", "diagnostics", "headline" })
        {
            Assert.Matches($"\\n +{suite} ", stdout);
        }

        Assert.Contains("BenchmarkDotNet", stdout, StringComparison.Ordinal); // how its options pass through
        Assert.DoesNotContain("no benchmark matched", stdout + stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("help", "hitrate", "--workload")]
    [InlineData("hitrate", "--help", "--traces")]
    [InlineData("help", "kernel-check", "--sequences")]
    [InlineData("help", "publish", "refuses")]
    public void EachCommand_HasItsOwnHelp(string first, string second, string expected)
    {
        (int exitCode, string stdout, string stderr) = RunBench([first, second]);
        Assert.True(exitCode == 0, stderr);
        Assert.Contains(expected, stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--list")]
    [InlineData("list")]
    public void List_ShowsTheSuites(string list)
    {
        (int exitCode, string stdout, _) = RunBench([list]);
        Assert.Equal(0, exitCode);
        foreach (string suite in new[] { "cookies", "maps", "hooks", "diagnostics" })
        {
            Assert.Contains(suite, stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void BenchmarkDotNetHelp_ShowsItsOptions()
    {
        (int exitCode, string stdout, string stderr) = RunBench(["benchmarkdotnet-help"]);
        Assert.True(exitCode == 0, stderr);
        Assert.Contains("--filter", stdout, StringComparison.Ordinal);
        Assert.Contains("--job", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void HitRate_BuiltInWorkloads_NeedNoFiles_AndAreDeterministic()
    {
        string first = Directory.CreateTempSubdirectory("perfkit-hitrate").FullName, second = Directory.CreateTempSubdirectory("perfkit-hitrate").FullName;
        string noTraces = Directory.CreateTempSubdirectory("perfkit-no-traces").FullName;
        try
        {
            (int exitCode, string stdout, string stderr) = RunBench(["hitrate", "--workload", "zipf-0.9", "--workload", "loop", "--out", first]);
            Assert.True(exitCode == 0, stdout + stderr);
            Assert.Contains("dotnet-counters monitor --name PerfKit.Bench --counters PerfKit", stdout, StringComparison.Ordinal);
            string[] csv = File.ReadAllLines(Path.Combine(first, "hitrate.csv"));
            Assert.Equal("trace,capacity,policy,hits,requests,hit_rate_percent", csv[0]);
            Assert.Contains(csv, l => l.StartsWith("zipf-0.9,1024,LruHashMap Common,", StringComparison.Ordinal));
            Assert.Contains(csv, l => l.StartsWith("loop-3000,1024,exact LRU,0,", StringComparison.Ordinal)); // a loop larger than the cache: LRU never hits
            Assert.True(File.Exists(Path.Combine(first, "zipf-0.9.png")));

            // An empty trace folder given explicitly is an error; the built-in workloads alone are the same numbers again.
            Assert.Equal(2, RunBench(["hitrate", "--traces", noTraces]).ExitCode);
            Assert.Equal(0, RunBench(["hitrate", "--workload", "zipf-0.9", "--workload", "loop", "--out", second]).ExitCode);
            Assert.Equal(csv, File.ReadAllLines(Path.Combine(second, "hitrate.csv")));
        }
        finally
        {
            foreach (string folder in new[] { first, second, noTraces })
            {
                Directory.Delete(folder, recursive: true);
            }
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

    private static (int ExitCode, string Stdout, string Stderr) RunBench(string[] args) => BenchProcess.Run(args);
}
