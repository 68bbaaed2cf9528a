using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using PerfKit.Cookies;

namespace PerfKit.PropertyTests.Cookies;

/// <summary>Generators started near 2^64 throw instead of wrapping; the reverse counter meeting the forward one throws.</summary>
public sealed class CookieExhaustionProperties
{
    private const int Block = 4096;

    [Property(MaxTest = 50)]
    public Property Shared_StartedNearTop_IssuesEveryValueOnceThenThrowsForever() =>
        Prop.ForAll(Gen.Choose(0, 2000).ToArbitrary(), remaining =>
        {
            ulong first = ulong.MaxValue - (ulong)remaining;
            var generator = new SharedCookieGenerator(first);
            for (ulong expected = first; ; expected++)
            {
                Assert.Equal(expected, generator.NextCookie());
                if (expected == ulong.MaxValue)
                {
                    break;
                }
            }

            Assert.Throws<CookieSpaceExhaustedException>(() => generator.NextCookie());
            Assert.Throws<CookieSpaceExhaustedException>(() => generator.NextCookie()); // never wraps to 0, 1, …
        });

    [Property(MaxTest = 30)]
    public Property PerCpu_StartedNearTop_ThrowsInsteadOfWrapping() =>
        Prop.ForAll(NearTopScenarios, s =>
        {
            var generator = new PerCpuCookieGenerator(s.Cpus, s.First);
            DrainAndCheck(s, cpu => { using (Cpu.Pin(cpu)) { return generator.NextCookie(); } });
        });

    [Property(MaxTest = 30)]
    public Property PerThread_StartedNearTop_ThrowsInsteadOfWrapping() =>
        Prop.ForAll(NearTopScenarios, s =>
        {
            var generator = new PerThreadCookieGenerator(s.First);
            DrainAndCheck(s with { Cpus = 1 }, _ => generator.NextCookie());
        });

    [Fact]
    public void PerCpu_ReverseAfterForward_ThrowsWhenItReachesTheForwardBlocks()
    {
        // Space [1, 8202]: two whole forward blocks (1..8192) and ten values above them.
        var generator = new PerCpuCookieGenerator(possibleCpus: 1, firstCookie: 1, reverseStart: 2 * Block + 10);
        for (int i = 0; i < 2 * Block; i++)
        {
            Assert.Equal((ulong)i + 1, generator.NextCookie());
        }

        Assert.Throws<CookieSpaceExhaustedException>(() => generator.NextCookie()); // no third block fits
        List<ulong> reverse = generator.RunNested(() =>
        {
            var drawn = new List<ulong>();
            for (int i = 0; i < 10; i++)
            {
                drawn.Add(generator.NextCookie());
            }

            Assert.Throws<CookieSpaceExhaustedException>(() => generator.NextCookie()); // 8192 belongs to a block
            return drawn;
        });
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (ulong)(2 * Block + 10 - i)), reverse);
    }

    [Fact]
    public void PerCpu_ForwardAfterReverse_ThrowsWhenItsBlockWouldReachTheReverseValues()
    {
        var generator = new PerCpuCookieGenerator(possibleCpus: 1, firstCookie: 1, reverseStart: 2 * Block + 10);
        // Nested callers take 8202 down to 4103 before any forward block exists.
        generator.RunNested(() =>
        {
            for (int i = 0; i < 4100; i++)
            {
                Assert.Equal((ulong)(2 * Block + 10 - i), generator.NextCookie());
            }

            return 0;
        });
        for (int i = 0; i < Block; i++)
        {
            Assert.Equal((ulong)i + 1, generator.NextCookie()); // block 0 (1..4096) is below 4103
        }

        // Block 1 would be 4097..8192, which reaches 4103: refused, and refused again.
        Assert.Throws<CookieSpaceExhaustedException>(() => generator.NextCookie());
        Assert.Throws<CookieSpaceExhaustedException>(() => generator.NextCookie());
    }

    [Fact]
    public void Constructors_RejectZeroFirstCookieAndInvertedRanges()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SharedCookieGenerator(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PerCpuCookieGenerator(1, firstCookie: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PerCpuCookieGenerator(1, firstCookie: 10, reverseStart: 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PerThreadCookieGenerator(firstCookie: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PerCpuCookieGenerator(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PerCpuCookieGenerator(Cpu.MaxCpus + 1));
    }

    internal sealed record NearTop(int Cpus, int WholeBlocks, int Slack, int Seed)
    {
        public ulong First => ulong.MaxValue - (ulong)((WholeBlocks * Block) + Slack) + 1;
    }

    private static Arbitrary<NearTop> NearTopScenarios =>
        (from cpus in Gen.Choose(1, 4)
         from blocks in Gen.Choose(0, 4)
         from slack in Gen.Choose(0, Block - 1)
         from seed in Gen.Choose(0, int.MaxValue)
         select new NearTop(cpus, blocks, slack, seed)).ToArbitrary();

    // Draws on random not-yet-exhausted CPUs until every CPU has thrown. Each draw either issues a value (at most
    // the whole blocks' worth) or exhausts a CPU, so the loop ends within that many steps. Checks: all values
    // unique and within [First, 2^64 − 1], and a CPU that threw keeps throwing.
    private static void DrainAndCheck(NearTop s, Func<int, ulong> drawOn)
    {
        var random = new Random(s.Seed);
        var seen = new HashSet<ulong>();
        var live = Enumerable.Range(0, s.Cpus).ToList();
        int steps = 0;
        while (live.Count > 0)
        {
            Assert.True(++steps <= (s.WholeBlocks * Block) + s.Cpus, "more cookies than the space holds");
            int cpu = live[random.Next(live.Count)];
            try
            {
                ulong cookie = drawOn(cpu);
                Assert.InRange(cookie, s.First, ulong.MaxValue);
                Assert.True(seen.Add(cookie), $"cookie {cookie} issued twice");
            }
            catch (CookieSpaceExhaustedException)
            {
                live.Remove(cpu);
            }
        }

        for (int cpu = 0; cpu < s.Cpus; cpu++)
        {
            Assert.Throws<CookieSpaceExhaustedException>(() => drawOn(cpu));
        }
    }
}
