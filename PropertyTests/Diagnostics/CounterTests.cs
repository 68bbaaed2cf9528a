using System.Diagnostics.Metrics;
using System.Diagnostics.Tracing;
using System.Runtime.CompilerServices;
using PerfKit.Diagnostics;
using PerfKit.Maps;

namespace PerfKit.PropertyTests.Diagnostics;

[Collection(EventSourceTestGroup.Name)]
public sealed class CounterTests
{
    [Fact]
    public void Lookups_AreCountedExactly_OnceSomeonePolls()
    {
        var map = new LruHashMap<ulong, ulong>(new LruHashMapOptions { MaxEntries = 64, PossibleCpus = 1 });
        map.Update(1, 1);
        KitTotals before = PerfKitCounters.Snapshot(); // polling turns per-call counting on
        Assert.True(PerfKitCounters.CountingOn);
        for (ulong k = 0; k < 100; k++)
        {
            map.TryLookup(k % 2, out _); // key 1 hits, key 0 misses
        }

        KitTotals after = PerfKitCounters.Snapshot();
        Assert.Equal(100, after.Lookups - before.Lookups);
        Assert.Equal(50, after.Hits - before.Hits);
        Assert.Equal(50, after.Misses - before.Misses);
        Assert.Equal(before.Updates, after.Updates); // lookups take no node
    }

    [Fact]
    public void TheIsSupportedSwitch_IsOnByDefault_AndReadOnlyOnce()
    {
        Assert.True(PerfKitDiagnostics.IsSupported); // the test process never sets the switch
        AppContext.SetSwitch(PerfKitDiagnostics.IsSupportedSwitch, false);
        try
        {
            // Too late: it was read when the diagnostics were first touched, and optimised code may have folded it.
            Assert.True(PerfKitDiagnostics.IsSupported);
            PerfKitCounters.Snapshot();
            Assert.True(PerfKitCounters.CountingOn);
        }
        finally
        {
            AppContext.SetSwitch(PerfKitDiagnostics.IsSupportedSwitch, true);
        }
    }

    [Fact]
    public void Totals_StayMonotonic_WhenAMapIsCollected()
    {
        KitTotals before = PerfKitCounters.Snapshot();
        long evicted = EvictWithATemporaryMap();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        KitTotals first = PerfKitCounters.Snapshot();  // folds the dead map's counts into the retired sum
        KitTotals second = PerfKitCounters.Snapshot();
        Assert.True(first.Evictions - before.Evictions >= evicted, $"{first.Evictions - before.Evictions} < {evicted}");
        Assert.Equal(first.Evictions, second.Evictions);
        Assert.True(second.Updates >= first.Updates);
    }

    [Fact]
    public void EventCounters_Tick_WithTheKitsRates()
    {
        var map = new LruHashMap<ulong, ulong>(new LruHashMapOptions { MaxEntries = 8, PossibleCpus = 1 });
        double evictionIncrement = 0;
        using var listener = new PerfKitListener(EventLevel.Informational, EventKeywords.All, e =>
        {
            if (e.EventName == "EventCounters" && e.Payload![0] is IDictionary<string, object> counter
                && (string)counter["Name"] == "evictions" && (double)counter["Increment"] > 0)
            {
                Volatile.Write(ref evictionIncrement, (double)counter["Increment"]);
            }
        }, new Dictionary<string, string?> { ["EventCounterIntervalSec"] = "0.1" });

        // The first tick only sets the baseline; keep evicting until a tick reports an increment (bounded, not timed).
        ulong key = 0;
        for (int round = 0; round < 20_000 && Volatile.Read(ref evictionIncrement) == 0; round++)
        {
            for (int i = 0; i < 50; i++)
            {
                map.Update(key++, key);
            }

            Thread.Sleep(1);
        }

        Assert.True(evictionIncrement > 0, "no EventCounters tick reported evictions");
    }

    [Fact]
    public void Meter_ObservableCounters_ReportTheTotals()
    {
        long evicted = EvictWithATemporaryMap();
        var seen = new Dictionary<string, long>();
        using var meterListener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "PerfKit")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        meterListener.SetMeasurementEventCallback<long>((instrument, value, _, _) => seen[instrument.Name] = value);
        meterListener.Start();
        meterListener.RecordObservableInstruments();
        Assert.Equal(PerfKitCounters.Definitions.Select(d => "perfkit." + d.Name).Order(), seen.Keys.Order());
        Assert.True(seen["perfkit.evictions"] >= evicted);
        Assert.True(seen["perfkit.cookies-issued"] >= 0);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static long EvictWithATemporaryMap()
    {
        var map = new LruHashMap<ulong, ulong>(new LruHashMapOptions { MaxEntries = 8, PossibleCpus = 1 });
        for (ulong k = 0; k < 100; k++)
        {
            map.Update(k, k);
        }

        return map.Statistics.Evictions;
    }
}
