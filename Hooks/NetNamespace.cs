using System.Runtime.CompilerServices;
using PerfKit.Cookies;

namespace PerfKit.Hooks;

/// <summary>
/// A network namespace (the kernel's <c>struct net</c>). Create one with <see cref="NetworkHost.CreateNamespace"/>.
/// </summary>
public sealed class NetNamespace
{
    private CookieCell _cookie; // mutable struct: used in place, never copied

    internal NetNamespace(NetworkHost host, bool isInitial)
    {
        Host = host;
        IsInitial = isInitial;
    }

    /// <summary>The host this namespace belongs to.</summary>
    public NetworkHost Host { get; }

    /// <summary>Whether this is the initial (host) namespace.</summary>
    public bool IsInitial { get; }

    /// <summary>
    /// The namespace cookie: unique among this host's namespaces, never 0, never reused, stable for the
    /// namespace's lifetime. Assigned on first request (the initial namespace's at host creation).
    /// </summary>
    public ulong Cookie
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _cookie.GetOrAssign(Host.NetnsCookies);
    }

    /// <summary>Whether the cookie has been assigned yet.</summary>
    public bool HasCookie => _cookie.IsAssigned;

    /// <summary>Creates a socket in this namespace.</summary>
    /// <param name="protocol">The transport protocol (SCTP sockets exist so that the hooks' "not supported" path can be exercised).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="protocol"/> is not a defined <see cref="SocketProtocol"/>.</exception>
    public Socket CreateSocket(SocketProtocol protocol)
    {
        if (!Enum.IsDefined(protocol))
        {
            throw new ArgumentOutOfRangeException(nameof(protocol), protocol, "Unknown protocol: TCP, UDP, UDP-Lite and SCTP sockets exist.");
        }

        return new Socket(this, protocol);
    }

    /// <inheritdoc />
    public override string ToString() => IsInitial ? "netns(init)" : $"netns({(HasCookie ? _cookie.Value.ToString(System.Globalization.CultureInfo.InvariantCulture) : "no cookie yet")})";
}
