using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using PerfKit.Maps;
using PerfKit.Profiling;

namespace PerfKit.PropertyTests.Diagnostics;

/// <summary>The analyser on a small trace recorded here, and on files that are not usable traces.</summary>
[Collection(EventSourceTestGroup.Name)]
public sealed class TraceAnalyzerTests
{
    [Fact]
    public async Task Analyzer_CountsThePerfKitEventsOfARecordedTrace()
    {
        string path = Path.Combine(Path.GetTempPath(), $"perfkit-test-{Guid.NewGuid():N}.nettrace");
        try
        {
            var client = new DiagnosticsClient(Environment.ProcessId);
            var providers = new[]
            {
                new EventPipeProvider("PerfKit", EventLevel.Informational, -1),
                new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Informational, 0xC019),
            };
            await using (FileStream file = File.Create(path))
            {
                using EventPipeSession session = client.StartEventPipeSession(providers, requestRundown: true);
                Task copy = session.EventStream.CopyToAsync(file, TestContext.Current.CancellationToken);
                using (Cpu.Pin(0))
                {
                    var map = new LruHashMap<ulong, ulong>(new LruHashMapOptions { MaxEntries = 4, PossibleCpus = 1 });
                    for (ulong k = 1; k <= 5; k++)
                    {
                        map.Update(k, k); // refills 2, 2, then 0 with a shrink of 2
                    }
                }

                session.Stop();
                await copy;
            }

            TraceAnalysis analysis = TraceAnalyzer.Analyze(path);
            Assert.Equal(3, analysis.PerfKitEvents["LruRefill"]);
            Assert.Equal(1, analysis.PerfKitEvents["LruShrink"]);
            Assert.False(analysis.PerfKitEvents.ContainsKey("LruEviction")); // Verbose only
            Assert.True(analysis.EventCount > 0);
            Assert.Contains("| LruRefill | 3 |", analysis.ToMarkdown(), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Analyzer_RejectsMissingEmptyForeignAndTruncatedFiles()
    {
        string dir = Directory.CreateTempSubdirectory("perfkit-bad-traces").FullName;
        try
        {
            Assert.Throws<FileNotFoundException>(() => TraceAnalyzer.Analyze(Path.Combine(dir, "missing.nettrace")));
            string empty = Path.Combine(dir, "empty.nettrace");
            File.WriteAllBytes(empty, []);
            Assert.Throws<InvalidDataException>(() => TraceAnalyzer.Analyze(empty));
            string foreign = Path.Combine(dir, "foreign.nettrace");
            File.WriteAllText(foreign, "this is not a trace");
            Assert.Throws<InvalidDataException>(() => TraceAnalyzer.Analyze(foreign));
            string truncated = Path.Combine(dir, "truncated.nettrace");
            File.WriteAllBytes(truncated, [.. "Nettrace"u8, 0x14, 0, 0, 0, .. "!FastSerialization"u8]); // a header and nothing after
            Assert.Throws<InvalidDataException>(() => TraceAnalyzer.Analyze(truncated));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
