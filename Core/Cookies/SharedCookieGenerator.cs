using System.Diagnostics.CodeAnalysis;

namespace PerfKit.Cookies;

/// <summary>
/// The original kernel cookie generator: one shared 64-bit counter, atomically incremented per cookie
/// (<c>atomic64_inc_return(&amp;cookie_gen)</c> in net/core/sock_diag.c before 2020, and again the netns cookie
/// generator since 2025). Cookies are consecutive from <c>firstCookie</c>.
/// </summary>
/// <remarks>
/// Simple and monotonic, but every cookie is a locked read-modify-write on one cache line, which all CPUs
/// contend for: the baseline the batched generators are measured against.
/// </remarks>
public sealed class SharedCookieGenerator : ICookieGenerator
{
    private readonly IssuedCount _issued = new(); // its own object, so the counters registry never keeps the generator alive
    private readonly ulong _firstCookie;
    private readonly ulong _capacity;

    /// <summary>Creates a generator whose first cookie is <paramref name="firstCookie"/>.</summary>
    /// <param name="firstCookie">The first value issued, at least 1. Tests start near <see cref="ulong.MaxValue"/> to reach exhaustion.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="firstCookie"/> is 0.</exception>
    public SharedCookieGenerator(ulong firstCookie = 1)
    {
        if (firstCookie == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(firstCookie), firstCookie, "Cookies are never 0: the first cookie must be at least 1.");
        }

        _firstCookie = firstCookie;
        _capacity = ulong.MaxValue - firstCookie + 1;
        Diagnostics.PerfKitCounters.Register(this, _issued);
    }

    /// <summary>The number of cookies requested so far, including any refused for exhaustion.</summary>
    public long Issued => Volatile.Read(ref _issued.Counter.Value); // whole 64-bit read, never torn on 32-bit

    /// <inheritdoc />
    public ulong NextCookie()
    {
        // The increment is the whole synchronisation: each caller gets a distinct count. The count, not the
        // cookie, is what the counter holds, so it keeps growing after exhaustion and can never wrap back into
        // values already issued (2^63 increments would take centuries).
        ulong issued = (ulong)Interlocked.Increment(ref _issued.Counter.Value);
        if (issued > _capacity)
        {
            ThrowExhausted(); // kept out of line so that NextCookie stays small enough to inline
        }

        return _firstCookie + (issued - 1);
    }

    [DoesNotReturn]
    private void ThrowExhausted() => throw new CookieSpaceExhaustedException(
        $"The shared cookie counter is exhausted: every value from {_firstCookie} to {ulong.MaxValue} was issued. " +
        "Cookies are never reused and the counter never wraps.");

    private sealed class IssuedCount : Diagnostics.IKitCounterCell
    {
        public PaddedCounter Counter;

        // A racy read of the Interlocked counter: a rate needs a recent value, not the exact one.
        public void AddTo(ref Diagnostics.KitTotals totals) => totals.CookiesIssued += Volatile.Read(ref Counter.Value);
    }
}
