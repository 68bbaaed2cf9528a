using PerfKit.Cookies;

namespace PerfKit.PropertyTests.Support;

/// <summary>Draws cookies from several threads at once, in random bursts on random (pinned) CPUs.</summary>
internal static class ConcurrentDraw
{
    /// <summary>
    /// Draws <paramref name="total"/> cookies from <paramref name="generator"/> on <paramref name="threads"/>
    /// threads released together. Each thread draws its share in bursts of 1–8192, each burst pinned to a random
    /// CPU index below <paramref name="cpuRange"/>, sometimes yielding between bursts, so that threads share CPU
    /// slots and interleave in ways that differ from run to run.
    /// </summary>
    public static ulong[] Run(ICookieGenerator generator, int threads, int total, int cpuRange, int seed)
    {
        var values = new ulong[total];
        int share = total / threads;
        using var start = new Barrier(threads);
        var failures = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        var workers = new Thread[threads];
        for (int t = 0; t < threads; t++)
        {
            int first = t * share;
            int end = t == threads - 1 ? total : first + share;
            int threadSeed = unchecked((seed * 397) ^ t);
            workers[t] = new Thread(() =>
            {
                try
                {
                    var random = new Random(threadSeed);
                    start.SignalAndWait();
                    int position = first;
                    while (position < end)
                    {
                        int burstEnd = Math.Min(end, position + random.Next(1, 8193));
                        using (Cpu.Pin(random.Next(cpuRange)))
                        {
                            while (position < burstEnd)
                            {
                                values[position++] = generator.NextCookie();
                            }
                        }

                        if (random.Next(4) == 0)
                        {
                            Thread.Yield();
                        }
                    }
                }
                catch (Exception e)
                {
                    failures.Enqueue(e);
                }
            });
            workers[t].Start();
        }

        foreach (Thread worker in workers)
        {
            worker.Join();
        }

        if (!failures.IsEmpty)
        {
            throw new AggregateException(failures);
        }

        return values;
    }

    /// <summary>Fails with the offending value if any cookie is 0 or appears twice. Sorts the array.</summary>
    public static void AssertUniqueAndNonZero(ulong[] values)
    {
        Array.Sort(values);
        Assert.True(values.Length == 0 || values[0] != 0, "a cookie was 0");
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] == values[i - 1])
            {
                Assert.Fail($"cookie {values[i]} was issued twice");
            }
        }
    }
}
