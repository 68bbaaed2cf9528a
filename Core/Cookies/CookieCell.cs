using System.Runtime.CompilerServices;

namespace PerfKit.Cookies;

/// <summary>
/// A cookie assigned once, on first request: the kernel's <c>sk_cookie</c>/<c>net_cookie</c> with
/// <c>__sock_gen_cookie</c>. Reads return the stored value; the first reader draws a value, compare-exchanges it
/// in from 0, and every reader returns whatever won, so concurrent first readers all see one cookie (a losing
/// reader's drawn value is burned, never issued to anyone).
/// </summary>
/// <remarks>
/// A mutable struct, like <see cref="SpinLock"/>: keep it in a field and call it on the field. A copy is a
/// different cell.
/// </remarks>
public struct CookieCell
{
    private ulong _value;

    /// <summary>The assigned cookie, or 0 if none has been requested yet.</summary>
    public readonly ulong Value => Volatile.Read(in _value); // acquire: a cookie another thread published is seen whole

    /// <summary>Whether a cookie has been assigned.</summary>
    public readonly bool IsAssigned => Value != 0;

    /// <summary>Returns the cell's cookie, drawing it from <paramref name="generator"/> if none is assigned yet.</summary>
    /// <typeparam name="TGenerator">The generator type; a sealed type or struct avoids an interface call.</typeparam>
    /// <param name="generator">The generator to draw from on first request.</param>
    /// <exception cref="CookieSpaceExhaustedException">The generator is exhausted (only on first request).</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong GetOrAssign<TGenerator>(TGenerator generator)
        where TGenerator : ICookieGenerator
    {
        // Acquire: a cookie stored by another thread's compare-exchange is read whole and never as 0 afterwards.
        ulong value = Volatile.Read(ref _value);
        return value != 0 ? value : Assign(generator);
    }

    private ulong Assign<TGenerator>(TGenerator generator)
        where TGenerator : ICookieGenerator
    {
        ArgumentNullException.ThrowIfNull(generator);
        ulong drawn = generator.NextCookie();
        // Closes the race between concurrent first readers: exactly one compare-exchange from 0 succeeds, and the
        // returned prior value tells each loser the winner's cookie (the kernel re-reads; the result is the same).
        ulong prior = Interlocked.CompareExchange(ref _value, drawn, 0);
        return prior == 0 ? drawn : prior;
    }
}
