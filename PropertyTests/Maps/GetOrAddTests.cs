using PerfKit.Maps;

namespace PerfKit.PropertyTests.Maps;

/// <summary>GetOrAdd returns the value in the map, whichever thread's add won, and AddOrUpdate loses no update.</summary>
public sealed class GetOrAddTests
{
    private const int Threads = 4;

    [Fact]
    public void ConcurrentGetOrAdd_EveryThreadSeesTheOneValueThatWasStored()
    {
        const int Keys = 2000;
        var map = new LruHashMap<long, long>(new LruHashMapOptions { MaxEntries = 8 * Keys });
        var seen = new long[Threads][];
        int factoryCalls = 0;
        using var step = new Barrier(Threads);
        RunTogether(thread =>
        {
            seen[thread] = new long[Keys];
            for (int key = 0; key < Keys; key++)
            {
                if (key % 16 == 0)
                {
                    step.SignalAndWait(); // every 16 keys, all threads start again side by side, so they race for the same keys
                }

                seen[thread][key] = map.GetOrAdd(key, (k, t) =>
                {
                    Interlocked.Increment(ref factoryCalls);
                    Thread.SpinWait(50); // widen the window between the miss and the add
                    return (k * 10) + t; // each thread proposes its own value
                }, thread);
            }
        });

        Assert.Equal(0, map.Statistics.Evictions);
        for (int key = 0; key < Keys; key++)
        {
            Assert.True(map.TryPeek(key, out long stored));
            Assert.All(seen, values => Assert.Equal(stored, values[key]));
        }

        // Not a check of the result (that is above) but of the test: the threads did race for some keys.
        Assert.True(factoryCalls > Keys, $"no key was raced for ({factoryCalls} factory calls for {Keys} keys): the test did not test the retry");
    }

    [Fact]
    public void ConcurrentAddOrUpdate_CountsEveryCall()
    {
        const int Calls = 20_000;
        var map = new LruHashMap<long, long>(new LruHashMapOptions { MaxEntries = 64 });
        RunTogether(_ =>
        {
            for (int i = 0; i < Calls; i++)
            {
                map.AddOrUpdate(7, 1, static (_, old) => old + 1);
            }
        });

        Assert.Equal(Threads * Calls, map[7]);
    }

    // Dedicated threads released together, so that the race happens whatever the thread pool is doing.
    private static void RunTogether(Action<int> body)
    {
        using var start = new Barrier(Threads);
        Thread[] threads = [.. Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            body(t);
        }))];
        foreach (Thread thread in threads)
        {
            thread.Start();
        }

        foreach (Thread thread in threads)
        {
            thread.Join();
        }
    }
}
