using PerfKit.Cookies;

namespace PerfKit.PropertyTests.Cookies;

/// <summary>Re-entry while a generation is in progress takes values from the reverse counter, as in cookie.h.</summary>
public sealed class NestedCookieTests
{
    [Fact]
    public void PerCpu_NestedCall_CountsDownFromTopOfSpace()
    {
        var generator = new PerCpuCookieGenerator(possibleCpus: 2);
        using (Cpu.Pin(1))
        {
            ulong outer = generator.NextCookie();
            (ulong first, ulong second) = generator.RunNested(() => (generator.NextCookie(), generator.NextCookie()));
            Assert.Equal(1UL, outer);
            Assert.Equal(ulong.MaxValue, first);
            Assert.Equal(ulong.MaxValue - 1, second);
            Assert.Equal(2UL, generator.NextCookie()); // the CPU's block continues where it was
        }

        Assert.Equal(2, generator.ReverseIssued);
    }

    [Fact]
    public void PerCpu_NestedOnOneCpu_DoesNotDisturbAnother()
    {
        var generator = new PerCpuCookieGenerator(possibleCpus: 2);
        using (Cpu.Pin(0))
        {
            ulong nestedOnZero = generator.RunNested(() =>
            {
                using (Cpu.Pin(1))
                {
                    return generator.NextCookie(); // CPU 1's slot is free: a forward block, not the reverse counter
                }
            });
            Assert.Equal(1UL, nestedOnZero);
        }

        Assert.Equal(0, generator.ReverseIssued);
    }

    [Fact]
    public void PerThread_NestedCall_CountsDownFromTopOfSpace()
    {
        var generator = new PerThreadCookieGenerator(firstCookie: 100);
        ulong outer = generator.NextCookie();
        ulong nested = generator.RunNested(generator.NextCookie);
        Assert.Equal(100UL, outer);
        Assert.Equal(ulong.MaxValue, nested);
        Assert.Equal(101UL, generator.NextCookie());
    }

    [Fact]
    public void PerThread_GeneratorsSharingAnEntry_NeverRepeatValues()
    {
        // Nine generators on one thread: at least two share one of the eight thread-local entries and keep
        // taking it over from each other. Each generator's cookies must stay unique.
        var generators = Enumerable.Range(0, 9).Select(_ => new PerThreadCookieGenerator()).ToArray();
        var seen = generators.Select(_ => new HashSet<ulong>()).ToArray();
        for (int round = 0; round < 3000; round++)
        {
            for (int g = 0; g < generators.Length; g++)
            {
                Assert.True(seen[g].Add(generators[g].NextCookie()), $"generator {g} repeated a cookie in round {round}");
            }
        }
    }
}
