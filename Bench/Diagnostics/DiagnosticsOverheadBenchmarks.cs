using System.Diagnostics.Tracing;
using BenchmarkDotNet.Attributes;
using Microsoft.Diagnostics.NETCore.Client;
using PerfKit.Bench.Infrastructure;
using PerfKit.Diagnostics;
using PerfKit.Bench.Runs;

namespace PerfKit.Bench.Diagnostics;

/// <summary>Which EventPipe session, if any, watches the benchmark process.</summary>
public enum DiagnosticsSession
{
    /// <summary>No session: the baseline.</summary>
    None,

    /// <summary>A session on PerfKit's Cookies keyword only: a session is on, but the map's events are filtered out.</summary>
    MapsFilteredOut,

    /// <summary>A session on PerfKit at Informational with counters every second: map events flow and lookups are counted.</summary>
    MapsInformational,
}

/// <summary>
/// The cost of the kit's instrumentation on an LRU hot path (1,024 lookups and 1,024 evicting updates per
/// invocation): instrumented against the same code with the instrumentation removed by the
/// <see cref="PerfKitDiagnostics.IsSupported"/> switch (the JIT drops the guards), each with no session, with a
/// session that filters the map's events out (where a bare IsEnabled() guard would do real work on every call), and
/// with map events and counters on. A real EventPipe session of this process.
/// </summary>
/// <remarks>
/// Out of process only: each case sets the switch before the kit's diagnostics are first touched. Separate
/// processes running identical code drift by a few percent, as much as the 2 % goal, so the goal's figure comes
/// from the paired <c>overhead</c> command instead
/// (<see cref="OverheadCommand"/>); this class shows what sessions cost.
/// </remarks>
[MemoryDiagnoser]
[ThroughputColumns]
[BenchmarkCategory(SuiteCategories.Diagnostics, SuiteCategories.Headline)]
public class DiagnosticsOverheadBenchmarks : IDisposable
{
    private Func<int, long> _run = null!;
    private EventPipeSession? _session;
    private Task? _reader;

    /// <summary>Whether the kit's instrumentation is compiled in (false: the uninstrumented baseline).</summary>
    [ParamsAllValues]
    public bool Instrumented { get; set; }

    /// <summary>The session watching the process.</summary>
    [ParamsAllValues]
    public DiagnosticsSession Session { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        AppContext.SetSwitch(PerfKitDiagnostics.IsSupportedSwitch, Instrumented);
        if (PerfKitDiagnostics.IsSupported != Instrumented)
        {
            throw new InvalidOperationException(
                "The kit's diagnostics were initialised before this case could set PerfKit.Diagnostics.IsSupported " +
                "(the in-process toolchain runs every case in one process); run this benchmark out of process.");
        }

        _run = OverheadWorkload.Create(); // the same hot path the paired overhead command measures
        EventPipeProvider? provider = Session switch
        {
            DiagnosticsSession.MapsFilteredOut => new EventPipeProvider("PerfKit", EventLevel.Verbose, 1),
            DiagnosticsSession.MapsInformational => new EventPipeProvider("PerfKit", EventLevel.Informational, -1,
                new Dictionary<string, string> { ["EventCounterIntervalSec"] = "1" }),
            _ => null,
        };
        if (provider is not null)
        {
            _session = new DiagnosticsClient(Environment.ProcessId).StartEventPipeSession([provider], requestRundown: false);
            _reader = _session.EventStream.CopyToAsync(Stream.Null);
        }
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _session?.Stop();
        _reader?.Wait();
        _session?.Dispose();
        GC.SuppressFinalize(this);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = 2 * OverheadWorkload.Batch)]
    public long LookupsAndEvictingUpdates() => _run(1);
}
