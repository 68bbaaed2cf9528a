using System.Diagnostics;
using PerfKit.Diagnostics;
using PerfKit.Maps;

namespace PerfKit.Bench.Diagnostics;

/// <summary>
/// The LRU hot path whose instrumentation cost <see cref="OverheadCommand"/> measures: lookups of recent keys and
/// evicting updates on a full 4,096-entry map, pinned to CPU 0. Loaded twice by that command, once with the
/// instrumentation compiled in and once (in its own load context) with it compiled out.
/// </summary>
public static class OverheadWorkload
{
    /// <summary>Lookup-and-update pairs per batch.</summary>
    public const int Batch = 1024;

    /// <summary>Whether this copy of the kit has its instrumentation compiled in.</summary>
    public static bool InstrumentationCompiledIn => PerfKitDiagnostics.IsSupported;

    /// <summary>
    /// Builds a full map (fixed hash seed, so both copies build the same table) and returns a runner: it runs the
    /// given number of batches and returns the elapsed Stopwatch ticks.
    /// </summary>
    public static Func<int, long> Create()
    {
        var map = new LruHashMap<ulong, ulong>(new LruHashMapOptions { MaxEntries = 4096, PossibleCpus = 1, HashSeed = 42 });
        for (ulong k = 0; k < 4096; k++)
        {
            map.Update(k, k);
        }

        var state = new State(map, 4096);
        return batches => Run(state, batches);
    }

    private static long Run(State state, int batches)
    {
        using CpuPin pin = Cpu.Pin(0);
        LruHashMap<ulong, ulong> map = state.Map;
        ulong next = state.Next, sum = 0;
        long start = Stopwatch.GetTimestamp();
        for (int b = 0; b < batches; b++)
        {
            for (int i = 0; i < Batch; i++)
            {
                ulong key = next++;
                sum += map.TryLookup(key - 100, out ulong value) ? value : 1; // recently inserted: a hit
                map.Update(key, key);                                        // new key into a full map: evicts
            }
        }

        long elapsed = Stopwatch.GetTimestamp() - start;
        state.Next = next;
        state.Sink += sum;
        return elapsed;
    }

    private sealed class State(LruHashMap<ulong, ulong> map, ulong next)
    {
        public LruHashMap<ulong, ulong> Map { get; } = map;

        public ulong Next { get; set; } = next;

        public ulong Sink { get; set; }
    }
}
