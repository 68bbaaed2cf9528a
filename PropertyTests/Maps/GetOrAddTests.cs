using PerfKit.Maps;

namespace PerfKit.PropertyTests.Maps;

/// <summary>GetOrAdd returns the value in the map, whichever thread's add won, and AddOrUpdate loses no update.</summary>
public sealed class GetOrAddTests
{
    [Fact]
    public void ConcurrentGetOrAdd_EveryThreadSeesTheOneValueThatWasStored()
    {
        const int Threads = 4, Keys = 1000;
        var map = new LruHashMap<long, long>(new LruHashMapOptions { MaxEntries = 8 * Keys });
        var seen = new long[Threads][];
        using var start = new Barrier(Threads);
        Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, thread =>
        {
            seen[thread] = new long[Keys];
            start.SignalAndWait();
            for (int key = 0; key < Keys; key++)
            {
                seen[thread][key] = map.GetOrAdd(key, static (k, t) => (k * 10) + t, thread); // each thread proposes its own value
            }
        });

        Assert.Equal(0, map.Statistics.Evictions);
        for (int key = 0; key < Keys; key++)
        {
            Assert.True(map.TryPeek(key, out long stored));
            Assert.All(seen, values => Assert.Equal(stored, values[key]));
        }
    }

    [Fact]
    public void ConcurrentAddOrUpdate_CountsEveryCall()
    {
        const int Threads = 4, Calls = 20_000;
        var map = new LruHashMap<long, long>(new LruHashMapOptions { MaxEntries = 64 });
        using var start = new Barrier(Threads);
        Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, _ =>
        {
            start.SignalAndWait();
            for (int i = 0; i < Calls; i++)
            {
                map.AddOrUpdate(7, 1, static (_, old) => old + 1);
            }
        });

        Assert.Equal(Threads * Calls, map[7]);
    }
}
