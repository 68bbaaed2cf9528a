using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using PerfKit.Cookies;

namespace PerfKit.PropertyTests.Cookies;

/// <summary>Assign-once: every thread racing on a cell's first read gets the one value that won.</summary>
public sealed class CookieCellProperties
{
    [Property(MaxTest = 40)]
    public Property RacingFirstReaders_AllDraw_AllGetTheWinner() =>
        Prop.ForAll(Gen.Choose(2, 8).ToArbitrary(), threads =>
        {
            // The generator holds every caller until all of them have drawn, so all threads are inside the
            // assignment at once and exactly one compare-exchange can win: the race is certain, not hoped for.
            using var generator = new RendezvousGenerator(threads);
            var holder = new CellHolder();
            ulong[] seen = RunTogether(threads, () => holder.Cell.GetOrAssign(generator));
            Assert.All(seen, value => Assert.Equal(seen[0], value));
            Assert.Contains(seen[0], generator.Drawn);
            Assert.Equal(threads, generator.Drawn.Count); // n − 1 drawn values were burned
            Assert.Equal(seen[0], holder.Cell.Value);
        });

    [Property(MaxTest = 40)]
    public Property RacingFirstReaders_RealGenerator_AgreeAndLaterReadsAreStable() =>
        Prop.ForAll(Gen.Choose(2, 8).ToArbitrary(), threads =>
        {
            var generator = new PerThreadCookieGenerator();
            var holder = new CellHolder();
            ulong[] seen = RunTogether(threads, () => holder.Cell.GetOrAssign(generator));
            Assert.All(seen, value => Assert.Equal(seen[0], value));
            Assert.NotEqual(0UL, seen[0]);
            Assert.Equal(seen[0], holder.Cell.GetOrAssign(generator));
        });

    [Fact]
    public void UnassignedCell_ReadsZero_AndDoesNotDraw()
    {
        var holder = new CellHolder();
        Assert.Equal(0UL, holder.Cell.Value);
        Assert.False(holder.Cell.IsAssigned);
    }

    private static ulong[] RunTogether(int threads, Func<ulong> body)
    {
        var results = new ulong[threads];
        using var start = new Barrier(threads);
        var workers = Enumerable.Range(0, threads).Select(i => new Thread(() =>
        {
            start.SignalAndWait();
            results[i] = body();
        })).ToArray();
        foreach (Thread worker in workers)
        {
            worker.Start();
        }

        foreach (Thread worker in workers)
        {
            worker.Join();
        }

        return results;
    }

    private sealed class CellHolder
    {
        public CookieCell Cell;
    }

    /// <summary>Issues consecutive values, but returns none until <c>parties</c> callers are inside <see cref="NextCookie"/>.</summary>
    private sealed class RendezvousGenerator(int parties) : ICookieGenerator, IDisposable
    {
        private readonly Barrier _allInside = new(parties);
        private long _last;

        public System.Collections.Concurrent.ConcurrentBag<ulong> Drawn { get; } = [];

        public ulong NextCookie()
        {
            ulong value = (ulong)Interlocked.Increment(ref _last);
            Drawn.Add(value);
            _allInside.SignalAndWait();
            return value;
        }

        public void Dispose() => _allInside.Dispose();
    }
}
