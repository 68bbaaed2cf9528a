using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using PerfKit.Maps;
using PerfKit.PropertyTests.Support;

namespace PerfKit.PropertyTests.Reliability;

/// <summary>
/// Short random concurrent histories (3 threads × up to 6 operations on 3 keys) run for real on the LRU map, then
/// checked for linearizability against the sequential map; 1,000 histories per flavor per run. A failing history
/// is printed in full, and FsCheck shrinks it.
/// </summary>
public sealed class LinearizabilityProperties
{
    [Property(MaxTest = 1000)]
    public Property CommonLru_HistoriesAreLinearizable((byte Kind, byte Key, byte Value)[] a, (byte Kind, byte Key, byte Value)[] b, (byte Kind, byte Key, byte Value)[] c) =>
        Run(LruFlavor.Common, a, b, c).ToProperty();

    [Property(MaxTest = 1000)]
    public Property PerCpuLru_HistoriesAreLinearizable((byte Kind, byte Key, byte Value)[] a, (byte Kind, byte Key, byte Value)[] b, (byte Kind, byte Key, byte Value)[] c) =>
        Run(LruFlavor.PerCpu, a, b, c).ToProperty();

    [Fact]
    public void Checker_RejectsANonLinearizableHistory()
    {
        // T1 writes 5 and returns before T2 starts, yet T2 reads nothing: no order explains it.
        HistoryOp[] history =
        [
            new(0, 0, 1, 5, Invoked: 1, Returned: 2, Result: 0, Output: 0),
            new(1, 4, 1, 0, Invoked: 3, Returned: 4, Result: 0, Output: 0),
        ];
        Assert.False(LinearizabilityChecker.Check(history, evictionsAllowed: false));
        Assert.True(LinearizabilityChecker.Check(history, evictionsAllowed: true)); // unless the key was evicted
        HistoryOp[] overlapping = [history[0] with { Returned = 4 }, history[1] with { Invoked = 2 }];
        Assert.True(LinearizabilityChecker.Check(overlapping, evictionsAllowed: false)); // the read may come first
    }

    private static bool Run(LruFlavor flavor, params (byte Kind, byte Key, byte Value)[][] plans)
    {
        var map = new LruHashMap<ulong, ulong>(new LruHashMapOptions { MaxEntries = 64, PossibleCpus = 2, Flavor = flavor });
        long clock = 0;
        var recorded = new List<HistoryOp>[plans.Length];
        using var start = new Barrier(plans.Length);
        var threads = plans.Select((plan, t) => new Thread(() =>
        {
            var mine = new List<HistoryOp>();
            using CpuPin pin = Cpu.Pin(t % 2);
            start.SignalAndWait();
            foreach ((byte kind, byte rawKey, byte rawValue) in plan.Take(6))
            {
                int k = kind % 8;
                ulong key = (ulong)(rawKey % 3);
                ulong value = 1 + (ulong)rawValue;
                long invoked = Interlocked.Increment(ref clock);
                (int result, ulong output) = k switch
                {
                    <= 2 => ((int)map.Update(key, value, (UpdateFlags)k), 0UL),
                    3 => map.TryLookup(key, out ulong v) ? (1, v) : (0, 0UL),
                    4 => map.TryPeek(key, out ulong p) ? (1, p) : (0, 0UL),
                    5 => ((int)map.Delete(key), 0UL),
                    6 => ((int)map.LookupAndDelete(key, out ulong d), d),
                    _ => (map.TryWrite(key, value) ? 1 : 0, 0UL),
                };
                long returned = Interlocked.Increment(ref clock);
                mine.Add(new HistoryOp(t, k, key, value, invoked, returned, result, output));
            }

            recorded[t] = mine;
        })).ToArray();
        foreach (Thread thread in threads)
        {
            thread.Start();
        }

        foreach (Thread thread in threads)
        {
            thread.Join();
        }

        HistoryOp[] history = [.. recorded.SelectMany(r => r)];
        bool evictions = map.Statistics.Evictions > 0;
        Assert.True(LinearizabilityChecker.Check(history, evictions),
            $"not linearizable ({flavor}, evictions {(evictions ? "allowed" : "none")}):\n{LinearizabilityChecker.Describe(history)}");
        Assert.True(map.Audit().IsConsistent, map.Audit().ToString());
        return true;
    }
}
