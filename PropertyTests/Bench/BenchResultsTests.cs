using System.Text.Json;
using System.Text.RegularExpressions;

namespace PerfKit.PropertyTests.Bench;

/// <summary>
/// Runs report and publish on a repository made for the test (a folder with PerfKit.sln, a README with the headline
/// markers, the real notes) and run folders written by hand: a report uses one run only and names its machine; only a
/// complete default run of committed code can be published, and publishing changes exactly the published files.
/// </summary>
public sealed partial class BenchResultsTests : IDisposable
{
    private const string Commit = "0123456789abcdef0123456789abcdef01234567";
    private readonly string _root = Directory.CreateTempSubdirectory("perfkit-repo").FullName;

    public BenchResultsTests()
    {
        File.WriteAllText(Path.Combine(_root, "PerfKit.sln"), string.Empty);
        File.WriteAllText(Path.Combine(_root, "README.md"),
            "# x\n\n<!-- headline:start (written by `dotnet run -c Release --project Bench -- publish <run>`) -->\nold table\n<!-- headline:end -->\n\nrest\n");
        string notes = Path.Combine(_root, "perf-results", "notes");
        Directory.CreateDirectory(notes);
        foreach (string note in Directory.GetFiles(Path.Combine(BenchProcess.RepositoryRoot, "perf-results", "notes"), "*.md"))
        {
            File.Copy(note, Path.Combine(notes, Path.GetFileName(note)));
        }
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Report_UsesOneRun_NamesItsMachine_AndLinksEveryGoalsNote()
    {
        string run = WriteRun("2026-01-02_030405", defaultRun: false, job: "--job short", commit: Commit);
        (int exitCode, string stdout, string stderr) = BenchProcess.Run(["report", run], _root);
        Assert.True(exitCode == 0, stdout + stderr);

        string report = File.ReadAllText(Path.Combine(run, "report.md"));
        Assert.Contains("**3 of 4 goals pass on Test CPU 9000, 2 logical cores (16 of 20 not measured in this run).**", report, StringComparison.Ordinal);
        Assert.Contains("| LRU lookup hit ≤ 1.0× ConcurrentDictionary | LruHashMap 4.00 ns | ConcurrentDictionary 2.00 ns | 2.00× | short |", report, StringComparison.Ordinal);
        Assert.Contains("| job | --job short |", report, StringComparison.Ordinal);
        Assert.Contains("| Hooks ≥ 2× ConcurrentDictionary + MemoryCache, mixed workload | not measured |", report, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(run, "plots", "goals.png")));
        Assert.True(File.Exists(Path.Combine(run, "plots", "lookup.png")));

        // Every goal's row links a note, and every note exists: a goal without its note fails here.
        MatchCollection links = NoteLink().Matches(report);
        Assert.Equal(20, links.Count);
        foreach (Match link in links)
        {
            Assert.True(File.Exists(Path.GetFullPath(Path.Combine(run, link.Groups[1].Value))), $"missing note {link.Groups[1].Value}");
        }
    }

    [Theory]
    [InlineData(false, "", Commit, "not the default run")]
    [InlineData(true, "--job dry", Commit, "ran job")]
    [InlineData(true, "", Commit + " + uncommitted changes", "not a commit")]
    public void Publish_RefusesRunsThatCannotBeTheReference(bool defaultRun, string job, string commit, string reason)
    {
        string run = WriteRun("2026-01-02_030405", defaultRun, job, commit);
        (int exitCode, _, string stderr) = BenchProcess.Run(["publish", run], _root);
        Assert.Equal(1, exitCode);
        Assert.Contains("cannot be published", stderr, StringComparison.Ordinal);
        Assert.Contains(reason, stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_root, "perf-results", "published")));
        Assert.Contains("old table", File.ReadAllText(Path.Combine(_root, "README.md")), StringComparison.Ordinal);
    }

    [Fact]
    public void Publish_ReplacesTheMachinesReference_AddsTheTrend_AndRewritesBothReadmes()
    {
        string first = WriteRun("2026-01-02_030405", defaultRun: true, job: string.Empty, commit: Commit);
        string second = WriteRun("2026-01-03_030405", defaultRun: true, job: string.Empty, commit: Commit);
        (int firstExit, string firstOut, string firstErr) = BenchProcess.Run(["publish", first], _root);
        Assert.True(firstExit == 0, firstOut + firstErr);
        (int exitCode, string stdout, string stderr) = BenchProcess.Run(["publish", "2026-01-03_030405"], _root); // a run's name finds its folder
        Assert.True(exitCode == 0, stdout + stderr);
        Assert.Contains("replacing run 2026-01-02_030405", stdout, StringComparison.Ordinal);

        string published = Path.Combine(_root, "perf-results", "published", "test-cpu-9000-2-cores");
        Assert.Equal([Path.Combine(_root, "perf-results", "published", "test-cpu-9000-2-cores")], Directory.GetDirectories(Path.Combine(_root, "perf-results", "published")));
        Assert.Contains("2026-01-03_030405", File.ReadAllText(Path.Combine(published, "run.json")), StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(published, "report.md")));
        Assert.True(File.Exists(Path.Combine(published, "memory", "memory.csv")));

        string[] trend = File.ReadAllLines(Path.Combine(_root, "perf-results", "trend.csv"));
        Assert.Equal("machine_kind,run,commit,goal,ratio,pass", trend[0]);
        Assert.Equal(8, trend.Length - 1); // four goals measured, two runs
        Assert.Contains(trend, l => l.StartsWith("test-cpu-9000-2-cores,2026-01-02_030405,", StringComparison.Ordinal) && l.Contains(",lookup-vs-concurrentlru,", StringComparison.Ordinal));

        string perfResults = File.ReadAllText(Path.Combine(_root, "perf-results", "README.md"));
        Assert.Contains("**3 of 4 goals pass on Test CPU 9000, 2 logical cores", perfResults, StringComparison.Ordinal);
        Assert.Contains("### test-cpu-9000-2-cores", perfResults, StringComparison.Ordinal);
        string readme = File.ReadAllText(Path.Combine(_root, "README.md"));
        Assert.DoesNotContain("old table", readme, StringComparison.Ordinal);
        Assert.Contains("(perf-results/published/test-cpu-9000-2-cores/report.md", readme, StringComparison.Ordinal);
        Assert.EndsWith("<!-- headline:end -->\n\nrest\n", readme, StringComparison.Ordinal);
    }

    [Fact]
    public void Publish_RefusesAnUnfinishedRun_AndAPublishedFolder()
    {
        string unfinished = WriteRun("2026-01-02_030405", defaultRun: true, job: string.Empty, commit: Commit, finished: false);
        (int exitCode, _, string stderr) = BenchProcess.Run(["publish", unfinished], _root);
        Assert.Equal(1, exitCode);
        Assert.Contains("did not finish", stderr, StringComparison.Ordinal);

        string complete = WriteRun("2026-01-03_030405", defaultRun: true, job: string.Empty, commit: Commit);
        Assert.Equal(0, BenchProcess.Run(["publish", complete], _root).ExitCode);
        string published = Path.Combine(_root, "perf-results", "published", "test-cpu-9000-2-cores");
        (exitCode, _, stderr) = BenchProcess.Run(["publish", published], _root);
        Assert.Equal(2, exitCode);
        Assert.Contains("is a published copy", stderr, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(published, "report.md"))); // still whole
        Assert.Equal(2, BenchProcess.Run(["report", published], _root).ExitCode); // its report changes only through publish
    }

    [Fact]
    public void Report_OfOneRun_NeverUsesAnother()
    {
        string lookups = WriteRun("2026-01-02_030405", defaultRun: false, job: "--job short", commit: Commit);
        string memoryOnly = WriteRun("2026-01-03_030405", defaultRun: false, job: "--job short", commit: Commit);
        File.Delete(Path.Combine(memoryOnly, "benchmarks.json"));
        File.WriteAllText(Path.Combine(memoryOnly, "benchmarks.json"), "[]");
        Assert.Equal(0, BenchProcess.Run(["report"], _root).ExitCode); // the latest run: the memory-only one
        string report = File.ReadAllText(Path.Combine(memoryOnly, "report.md"));
        Assert.Contains("| LRU lookup hit ≤ 1.0× ConcurrentDictionary | not measured |", report, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(lookups, "report.md")));
    }

    [Fact]
    public void Report_OfAMalformedRun_IsOneErrorLine()
    {
        string run = WriteRun("2026-01-02_030405", defaultRun: false, job: "--job short", commit: Commit);
        File.WriteAllText(Path.Combine(run, "memory", "memory.csv"), "structure,entries,bytes_per_entry,gen0,gen1,gen2\nLruHashMap Common,lots,1,0,0,0\n");
        (int exitCode, string stdout, string stderr) = BenchProcess.Run(["report", run], _root);
        Assert.Equal(1, exitCode);
        string[] lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.Contains("not a memory table", lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stdout + stderr, StringComparison.Ordinal);
    }

    // A run folder as a benchmark run leaves it: its record, its compact results (the lookup class only) and the memory step's table.
    private string WriteRun(string name, bool defaultRun, string job, string commit, bool finished = true)
    {
        string folder = Path.Combine(_root, "perf-results", "local", "runs", name);
        Directory.CreateDirectory(Path.Combine(folder, "memory"));
        var manifest = new
        {
            Run = name,
            Arguments = defaultRun ? Array.Empty<string>() : ["maps", "--job", "short"],
            BenchmarkClasses = new[] { "MapLookupBenchmarks" },
            Job = job.Length > 0 ? job : "PerfKit (1 launch, 3 warm-up and 10 measured iterations of 250 ms)",
            DefaultRun = defaultRun,
            Machine = new { CpuModel = "Test CPU 9000", LogicalCores = 2, Os = "Linux", Runtime = ".NET 10" },
            Commit = commit,
            StartedUtc = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc),
            FinishedUtc = finished ? new DateTime(2026, 1, 2, 3, 14, 5, DateTimeKind.Utc) : (DateTime?)null,
            StepsDone = new[] { "benchmarks", "memory", "report" },
        };
        File.WriteAllText(Path.Combine(folder, "run.json"), JsonSerializer.Serialize(manifest));
        object Case(string method, double mean) => new
        {
            Type = "MapLookupBenchmarks", Method = method, Parameters = new Dictionary<string, string> { ["Hit"] = "True" },
            MeanNs = mean, LowerNs = mean * 0.9, UpperNs = mean * 1.1, BytesPerOp = 0,
        };
        File.WriteAllText(Path.Combine(folder, "benchmarks.json"), JsonSerializer.Serialize(new[] { Case("Common", 4), Case("Dictionary", 2), Case("Lru", 10) }));
        File.WriteAllText(Path.Combine(folder, "memory", "memory.csv"),
            "structure,entries,bytes_per_entry,gen0,gen1,gen2\nLruHashMap Common,1000,40.0,0,0,0\nLruHashMap PerCpu,1000,48.0,0,0,0\nConcurrentLru,1000,120.0,0,0,0\n");
        return folder;
    }

    [GeneratedRegex(@"\]\(([^)]*notes/[a-z0-9-]+\.md)\)")]
    private static partial Regex NoteLink();
}
