namespace PerfKit.Cookies;

/// <summary>
/// Thrown when a cookie generator has no value left that it has not issued before. Generators never wrap and
/// never reuse a value, so exhaustion is permanent for that generator instance.
/// </summary>
public sealed class CookieSpaceExhaustedException : InvalidOperationException
{
    /// <summary>Creates the exception with a default message.</summary>
    public CookieSpaceExhaustedException()
        : base("The cookie generator's range is exhausted; cookies are never reused, so no further cookie can be issued.")
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public CookieSpaceExhaustedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and an inner exception.</summary>
    public CookieSpaceExhaustedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
