using PerfKit.Diagnostics;
using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace PerfKit.Maps.Internal;

/// <summary>The slow-path counters, one set per CPU, and the cell that reports them to <see cref="PerfKitCounters"/>.</summary>
internal sealed partial class BpfLru<TKey, TValue>
{
    /// <summary>The counter cell to register with <see cref="PerfKitCounters"/> (holds the counters only, not the map).</summary>
    public IKitCounterCell CounterCell => new LruCounterCell(_counters);

    private sealed class LruCounterCell(PerCpu<LruCounters> counters) : IKitCounterCell
    {
        public void AddTo(ref KitTotals totals) => LruCounters.AddAll(counters, ref totals);
    }

    private struct LruCounters
    {
        public long Updates;
        public long Refills;
        public long Evictions;
        public long ForceShrinks;
        public long Steals;
        public long Frees;

        // Each CPU's counters are written under that CPU's lock; these reads take no lock, so a sum may be one
        // update old on a CPU with an operation in flight. Statistics says so; counter polls only want rates.
        // Volatile: whole 64-bit reads, never torn on 32-bit, and never hoisted out of a polling loop.
        public static void AddAll(PerCpu<LruCounters> counters, ref KitTotals totals)
        {
            for (int cpu = 0; cpu < counters.Count; cpu++)
            {
                ref LruCounters c = ref counters[cpu];
                totals.Updates += Volatile.Read(ref c.Updates);
                totals.Refills += Volatile.Read(ref c.Refills);
                totals.Evictions += Volatile.Read(ref c.Evictions);
                totals.ForceShrinks += Volatile.Read(ref c.ForceShrinks);
                totals.Steals += Volatile.Read(ref c.Steals);
            }
        }
    }
}
