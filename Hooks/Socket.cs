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
    private IpAddr _peerAddress; // the connected peer: these three are guarded by _peerLock (no torn 18-byte read)
    private ushort _peerPort;
    private bool _connected;
    private RawSpinLock _peerLock; // mutable struct: used in place

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

    /// <summary>Connects the socket to <paramref name="address"/>:<paramref name="port"/> (after its connect hook proceeded).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void SetPeer(IpAddr address, ushort port)
    {
        using (_peerLock.EnterScope())
        {
            _peerAddress = address;
            _peerPort = port;
            _connected = true;
        }
    }

    /// <summary>The connected peer, if the socket was connected.</summary>
    internal bool TryGetPeer(out IpAddr address, out ushort port)
    {
        using (_peerLock.EnterScope())
        {
            address = _peerAddress;
            port = _peerPort;
            return _connected;
        }
    }
}
