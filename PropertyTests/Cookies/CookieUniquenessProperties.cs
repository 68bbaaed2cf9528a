using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using PerfKit.Cookies;
using PerfKit.PropertyTests.Support;

namespace PerfKit.PropertyTests.Cookies;

/// <summary>
/// Uniqueness and non-zero under concurrency: random thread counts (1–8), random CPU counts, random burst
/// interleavings, and <see cref="CasesPerRun"/> × <see cref="CookiesPerCase"/> = 10^7 cookies per generator per run.
/// </summary>
public sealed class CookieUniquenessProperties
{
    private const int CasesPerRun = 20;
    private const int CookiesPerCase = 500_000;

    private static Arbitrary<(int Threads, int PossibleCpus, int Seed)> Scenarios =>
        (from threads in Gen.Choose(1, 8)
         from cpus in Gen.Choose(1, 8)
         from seed in Gen.Choose(0, int.MaxValue)
         select (threads, cpus, seed)).ToArbitrary();

    [Property(MaxTest = CasesPerRun)]
    public Property SharedGenerator_ConcurrentDraws_AreUniqueAndNonZero() =>
        Prop.ForAll(Scenarios, s => Draw(new SharedCookieGenerator(), s));

    [Property(MaxTest = CasesPerRun)]
    public Property PerCpuGenerator_ConcurrentDraws_AreUniqueAndNonZero() =>
        Prop.ForAll(Scenarios, s => Draw(new PerCpuCookieGenerator(s.PossibleCpus), s));

    [Property(MaxTest = CasesPerRun)]
    public Property PerThreadGenerator_ConcurrentDraws_AreUniqueAndNonZero() =>
        Prop.ForAll(Scenarios, s => Draw(new PerThreadCookieGenerator(), s));

    private static void Draw(ICookieGenerator generator, (int Threads, int PossibleCpus, int Seed) s)
    {
        // CPU indexes up to twice the slot count, so that the modulo mapping folds several onto one slot.
        ulong[] values = ConcurrentDraw.Run(generator, s.Threads, CookiesPerCase, 2 * s.PossibleCpus, s.Seed);
        ConcurrentDraw.AssertUniqueAndNonZero(values);
    }
}
