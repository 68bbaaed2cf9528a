using System.Diagnostics.Tracing;
using BenchmarkDotNet.Attributes;
using Microsoft.Diagnostics.NETCore.Client;
using PerfKit.Bench.Infrastructure;
using PerfKit.Diagnostics;
using PerfKit.Maps;

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
/// session that filters the map's events out (where a bare IsEnabled() guard would cost 11–13 ns per call), and
/// with map events and counters on. A real EventPipe session of this process.
/// </summary>
/// <remarks>
/// Out of process only: each case sets the switch before the kit's diagnostics are first touched. Separate
/// processes drift by ±2–3 % here (the uninstrumented cases of one run, identical code, spread 16.7–17.3 ns), as
/// much as the 2 % goal, so the goal's figure comes from the paired <c>overhead</c> command instead
/// (<see cref="OverheadCommand"/>); this class shows what sessions cost.
/// </remarks>
[MemoryDiagnoser]
[ThroughputColumns]
[BenchmarkCategory("diagnostics")]
public class DiagnosticsOverheadBenchmarks : IDisposable
{
    private const int Batch = 1024;

    private LruHashMap<ulong, ulong> _map = null!;
    private EventPipeSession? _session;
    private Task? _reader;
    private ulong _next;

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

        // One seed for every case, so that each process builds the same table and only the instrumentation differs.
        _map = new LruHashMap<ulong, ulong>(new LruHashMapOptions { MaxEntries = 4096, PossibleCpus = 1, HashSeed = 42 });
        for (ulong k = 0; k < 4096; k++)
        {
            _map.Update(k, k);
        }

        _next = 4096;
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

    [Benchmark(Baseline = true, OperationsPerInvoke = 2 * Batch)]
    public ulong LookupsAndEvictingUpdates()
    {
        ulong sum = 0;
        using CpuPin pin = Cpu.Pin(0);
        for (int i = 0; i < Batch; i++)
        {
            ulong key = _next++;
            sum += _map.TryLookup(key - 100, out ulong value) ? value : 1; // recently inserted: a hit
            _map.Update(key, key);                                        // new key into a full map: evicts
        }

        return sum;
    }
}
