namespace PerfKit.Cookies;

/// <summary>
/// A source of cookies: opaque 64-bit identifiers that are unique for the generator's lifetime, never 0
/// (0 means "not yet assigned" in a <see cref="CookieCell"/>) and never reused.
/// </summary>
/// <remarks>
/// Mirrors the kernel's socket and network-namespace cookie generators. Implementations are thread-safe. Values
/// need not be monotonic: like the kernel's per-CPU generator, batched implementations interleave blocks.
/// </remarks>
public interface ICookieGenerator
{
    /// <summary>Issues the next cookie.</summary>
    /// <returns>A value never returned before by this generator, and never 0.</returns>
    /// <exception cref="CookieSpaceExhaustedException">
    /// The generator's range is used up. It never wraps: once exhausted, every later call throws too.
    /// </exception>
    ulong NextCookie();
}
