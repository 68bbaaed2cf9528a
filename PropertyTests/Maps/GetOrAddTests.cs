using PerfKit.Maps;

namespace PerfKit.PropertyTests.Maps;

/// <summary>GetOrAdd returns the value in the map, whichever thread's add won, and AddOrUpdate loses no update.</summary>
public sealed class GetOrAddTests
{
    private const int Threads = 4;

    [Fact]
    public void ConcurrentGetOrAdd_EveryThreadSeesTheOneValueThatWasStored()
    {
        // Each round checks the result; the rounds go on until the threads have raced for some key (more factory
        // calls than keys), so that the retry path is known to have run, whatever else the machine is doing.
        bool raced = false;
        for (int round = 0; round < 50 && !raced; round++)
        {
            raced = GetOrAddRound();
        }

        Assert.True(raced, "in 50 rounds no two threads ever raced for a key: the test did not test the retry");
    }

    private static bool GetOrAddRound()
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

        return factoryCalls > Keys;
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
