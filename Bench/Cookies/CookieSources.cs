using PerfKit.Cookies;

namespace PerfKit.Bench.Cookies;

// Struct wrappers so that generic loops are specialised per generator (the JIT shares one body for all
// reference-type arguments, which would turn every call into interface dispatch). Each makes the direct call a
// user holding the concrete type makes.

/// <summary>Direct calls to a <see cref="SharedCookieGenerator"/>.</summary>
public readonly struct SharedSource(SharedCookieGenerator generator) : ICookieGenerator
{
    /// <inheritdoc />
    public ulong NextCookie() => generator.NextCookie();
}

/// <summary>Direct calls to a <see cref="PerCpuCookieGenerator"/>.</summary>
public readonly struct PerCpuSource(PerCpuCookieGenerator generator) : ICookieGenerator
{
    /// <inheritdoc />
    public ulong NextCookie() => generator.NextCookie();
}

/// <summary>Direct calls to a <see cref="PerThreadCookieGenerator"/>.</summary>
public readonly struct PerThreadSource(PerThreadCookieGenerator generator) : ICookieGenerator
{
    /// <inheritdoc />
    public ulong NextCookie() => generator.NextCookie();
}

/// <summary>The draw loop shared by the cookie benchmarks.</summary>
public static class CookieDraw
{
    /// <summary>Draws <paramref name="count"/> cookies and folds them into one value, so the JIT cannot drop the calls.</summary>
    public static ulong Many<TSource>(TSource source, int count)
        where TSource : struct, ICookieGenerator
    {
        ulong mix = 0;
        for (int i = 0; i < count; i++)
        {
            mix ^= source.NextCookie();
        }

        return mix;
    }
}
