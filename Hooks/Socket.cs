using System.Runtime.CompilerServices;
using PerfKit.Cookies;

namespace PerfKit.Hooks;

/// <summary>
/// A socket as the cgroup hooks see it (the kernel's <c>struct sock</c>): its namespace, its protocol and its
/// cookie. Create one with <see cref="NetNamespace.CreateSocket"/>.
/// </summary>
public sealed class Socket
{
    private CookieCell _cookie; // mutable struct: used in place, never copied
    private SocketReverseNatLog _reverseNat; // guarded by _reverseNatLock
    private RawSpinLock _reverseNatLock; // mutable struct: used in place

    internal Socket(NetNamespace ns, SocketProtocol protocol)
    {
        Namespace = ns;
        Protocol = protocol;
    }

    /// <summary>The namespace the socket was created in.</summary>
    public NetNamespace Namespace { get; }

    /// <summary>The transport protocol.</summary>
    public SocketProtocol Protocol { get; }

    /// <summary>
    /// The socket cookie, assigned on first request from the host's socket generator (global across namespaces):
    /// unique, never 0, never reused.
    /// </summary>
    public ulong Cookie
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _cookie.GetOrAssign(Namespace.Host.SocketCookies);
    }

    /// <summary>Whether the cookie has been assigned yet.</summary>
    public bool HasCookie => _cookie.IsAssigned;

    /// <summary>Remembers that a reverse-NAT entry exists for this socket and backend (only new or changed entries get here).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void RecordReverseNat(IpAddr backend, ushort port)
    {
        using (_reverseNatLock.EnterScope())
        {
            _reverseNat.Record(backend, port);
        }
    }

    /// <summary>Takes the recorded backends, clearing the record, into <paramref name="into"/>; returns how many.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal int TakeReverseNatRecord(Span<(IpAddr Address, ushort Port)> into)
    {
        using (_reverseNatLock.EnterScope())
        {
            int count = _reverseNat.Count;
            for (int i = 0; i < count; i++)
            {
                into[i] = _reverseNat[i];
            }

            _reverseNat.Clear();
            return count;
        }
    }
}
