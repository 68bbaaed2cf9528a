using System.Runtime.CompilerServices;
using PerfKit.Hooks.Tables;

namespace PerfKit.Hooks;

/// <summary>
/// Cilium's socket-level service load balancer (bpf_sock.c): the cgroup connect, sendmsg, recvmsg, getpeername and
/// release hooks, which translate a service address to a backend at the socket layer, and the control plane that
/// fills their tables. One implementation of the logic, specialised by the JIT for each <typeparamref name="TTables"/>.
/// </summary>
/// <typeparam name="TTables">The table implementation (a struct policy); <see cref="SocketLoadBalancer"/> uses <see cref="BpfTables"/>.</typeparam>
/// <remarks>
/// Hooks are thread-safe, take no lock of their own and allocate nothing. Whether a socket is in the host is
/// <c>GetNetnsCookie(socket) == GetNetnsCookie(null)</c>, the reason the netns cookie exists.
/// </remarks>
public partial class LoadBalancer<TTables>
    where TTables : struct, ILoadBalancerTables
{
    // Not readonly: a readonly field of a struct type parameter would be copied defensively on every call.
    private TTables _tables;
    private readonly NetworkHost _host;
    private readonly ulong _hostNetnsCookie;
    private readonly TimeProvider _time;
    private readonly bool _coarseClock;
    private readonly long _clockTicksPerSecond;
    private readonly ushort _nodePortMin;
    private readonly ushort _nodePortMax;

    /// <summary>Creates the load balancer for <paramref name="host"/>'s sockets over <paramref name="tables"/>.</summary>
    public LoadBalancer(NetworkHost host, TTables tables, LoadBalancerOptions options)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _host = host;
        _tables = tables;
        _time = options.Time;
        // The system clock's timestamp is a clock_gettime call; Cilium reads a coarse clock in whole seconds, so the
        // system clock is read as TickCount64 (ms) and divided. An injected clock is read as given, then divided.
        _coarseClock = ReferenceEquals(options.Time, TimeProvider.System);
        _clockTicksPerSecond = _time.TimestampFrequency;
        _nodePortMin = options.NodePortMin;
        _nodePortMax = options.NodePortMax;
        _hostNetnsCookie = host.GetNetnsCookie(null); // constant for the host's lifetime (Cilium main: HOST_NETNS_COOKIE)
    }

    /// <summary>The host whose sockets the hooks serve.</summary>
    public NetworkHost Host => _host;

    /// <summary>The tables the hooks run on.</summary>
    public TTables Tables => _tables;

    /// <summary>cgroup/connect4 and connect6: translates a service destination to a backend, TCP or UDP.</summary>
    /// <param name="socket">The connecting socket.</param>
    /// <param name="address">The destination the application passed; rewritten to the backend when translated.</param>
    /// <remarks>When the syscall proceeds, the socket is connected to the address as the hook left it (its peer, which <see cref="Release"/> reads).</remarks>
    public HookResult Connect(Socket socket, ref SockAddr address)
    {
        HookResult result = Counted(TranslateForward(socket, ref address));
        if (result.Verdict == HookVerdict.Proceed)
        {
            socket.SetPeer(address.Address, address.Port);
        }

        return result;
    }

    /// <summary>cgroup/sendmsg4 and sendmsg6: the same translation per datagram, for unconnected UDP (and UDP-Lite) sockets.</summary>
    public HookResult SendMsg(Socket socket, ref SockAddr address)
    {
        ArgumentNullException.ThrowIfNull(socket);
        return socket.Protocol is SocketProtocol.Udp or SocketProtocol.UdpLite
            ? Counted(TranslateForward(socket, ref address))
            : HookResult.Proceed(HookReason.ProtocolNotSupported);
    }

    /// <summary>cgroup/recvmsg4 and recvmsg6: rewrites a datagram's source from the backend back to the service address.</summary>
    public HookResult RecvMsg(Socket socket, ref SockAddr source) => Counted(TranslateReverse(socket, ref source));

    /// <summary>cgroup/getpeername4 and getpeername6: reports the service address as the peer of a translated socket.</summary>
    public HookResult GetPeerName(Socket socket, ref SockAddr peer) => Counted(TranslateReverse(socket, ref peer));

    /// <summary>
    /// cgroup/sock_release (Cilium's <c>cil_sock_release</c>): deletes the socket's reverse-NAT entry for its connected
    /// peer, keyed by its cookie and the peer's address and port. Entries an unconnected UDP socket wrote with
    /// sendmsg are left to the LRU, as in Cilium.
    /// </summary>
    public void Release(Socket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        if (!socket.HasCookie || !socket.TryGetPeer(out IpAddr address, out ushort port))
        {
            return; // never translated, or never connected: Cilium's lookup would miss
        }

        _tables.DeleteReverseNat(new ReverseNatKey(socket.Cookie, address, port));
    }

    // __sock_xlate_fwd.
    private HookResult TranslateForward(Socket socket, ref SockAddr address)
    {
        ArgumentNullException.ThrowIfNull(socket); // a null context would read as the host namespace
        ulong ownNetns = _host.GetNetnsCookie(socket); // also rejects a socket of another host
        if (!address.IsWellFormed)
        {
            return Rejected(HookReason.InvalidAddress); // what the kernel itself refuses; port 0 is not (no service has it)
        }

        if (socket.Protocol is not (SocketProtocol.Tcp or SocketProtocol.Udp or SocketProtocol.UdpLite))
        {
            return HookResult.Proceed(HookReason.ProtocolNotSupported); // sock_proto_enabled: -ENOTSUP, the syscall proceeds
        }

        var key = new ServiceKey(address.Address, address.Port, 0, (byte)socket.Protocol, ServiceKey.ScopeExternal);
        if (!ResolveService(ref key, ownNetns == _hostNetnsCookie, out ServiceEntry service))
        {
            return HookResult.Proceed(HookReason.NoService);
        }

        // A service without backends fails the syscall before any guard (Cilium since v1.13; v1.10 treated it as no service).
        if (service.Count == 0)
        {
            return Rejected(HookReason.NoBackend);
        }

        // The CVE-2020-8554 guard: an ExternalIP, or a HostPort reached through a non-loopback address, is translated
        // at the socket only when the address is this node's; otherwise the packet path decides.
        if (((service.Flags & ServiceTraits.ExternalIp) != 0 || ((service.Flags & ServiceTraits.HostPort) != 0 && !address.Address.IsLoopback))
            && _tables.NodeAddressKindOf(address.Address) != NodeAddressKind.Local)
        {
            return HookResult.Proceed(HookReason.NotLocal);
        }

        BackendEntry backend = default;
        bool byAffinity = false;
        var affinityKey = new AffinityKey(ownNetns, service.RevNatId);
        long now = 0;
        if ((service.Flags & ServiceTraits.Affinity) != 0)
        {
            now = NowSeconds();
            uint remembered = AffinityBackend(affinityKey, service, now);
            byAffinity = remembered != 0 && _tables.TryGetBackend(remembered, out backend); // a vanished backend falls back to selection
        }

        if (!byAffinity)
        {
            // Random for TCP; the socket cookie for UDP, so every datagram of an unconnected socket picks the same slot.
            ulong pick = socket.Protocol == SocketProtocol.Tcp ? SlotRandom.Next() : socket.Cookie;
            key.Slot = (ushort)((pick % service.Count) + 1);
            if (!_tables.TryGetService(key, out ServiceEntry slot) || !_tables.TryGetBackend(slot.BackendId, out backend))
            {
                return Rejected(HookReason.NoBackend); // the control plane shrank the service under us
            }

            if ((service.Flags & ServiceTraits.Affinity) != 0)
            {
                _tables.PutAffinity(affinityKey, new AffinityEntry(now, slot.BackendId));
            }
        }

        // sock_update_revnat: look up first and write only when absent or different (an LRU update always takes a node).
        var reverseKey = new ReverseNatKey(socket.Cookie, backend.Address, backend.Port);
        if (!_tables.UpdateReverseNatIfChanged(reverseKey, new ReverseNatEntry(address.Address, address.Port, service.RevNatId), out _))
        {
            return Rejected(HookReason.ReverseNatFull);
        }

        address.Address = backend.Address;
        address.Port = backend.Port;
        return HookResult.Proceed(byAffinity ? HookReason.TranslatedByAffinity : HookReason.Translated);
    }

    // A hook-path member: inlined by policy (see AggressiveInlining in the README's "Build rules").
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static HookResult Counted(HookResult result)
    {
        Diagnostics.PerfKitCounters.CountHook(result.Rewrote, result.Verdict == HookVerdict.Reject);
        return result;
    }

    private static HookResult Rejected(HookReason reason)
    {
        HookResult result = HookResult.Reject(reason);
        if (Diagnostics.PerfKitEventSource.HooksOn)
        {
            Diagnostics.PerfKitEventSource.Log.HookRejected((int)reason, result.Errno);
        }

        return result;
    }

    // Which service a destination reaches from a socket in or out of the host: the direct lookup with the scope
    // switch, then the wildcard lookup. Forward and reverse translation both ask it (__sock4_xlate_fwd, __sock4_xlate_rev).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool ResolveService(ref ServiceKey key, bool inHost, out ServiceEntry service) =>
        LookupService(ref key, out service) || LookupWildcard(ref key, inHost, out service);

    // lb_lookup_service with scope switch: a Local-traffic-policy frontend is looked up again in the internal scope.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool LookupService(ref ServiceKey key, out ServiceEntry service)
    {
        if (!_tables.TryGetService(key, out service))
        {
            return false;
        }

        if ((service.Flags & ServiceTraits.LocalScope) == 0)
        {
            return true;
        }

        key.Scope = ServiceKey.ScopeInternal;
        return _tables.TryGetService(key, out service);
    }

    // sock_wildcard_lookup_full: NodePort (inside the range: a node address, local or remote) and HostPort (outside
    // it: a local address) through the 0.0.0.0/:: surrogate frontend; loopback reaches either only from the host's
    // namespace, since in a pod 127.0.0.1 is the pod's own.
    private bool LookupWildcard(ref ServiceKey key, bool inHost, out ServiceEntry service)
    {
        IpAddr destination = key.Address;
        bool nodePortRange = key.Port >= _nodePortMin && key.Port <= _nodePortMax;
        bool eligible = (inHost && destination.IsLoopback) || (nodePortRange
            ? _tables.NodeAddressKindOf(destination) != NodeAddressKind.None
            : _tables.NodeAddressKindOf(destination) == NodeAddressKind.Local);
        if (eligible)
        {
            // The surrogate is looked up from the external scope, as every lb_lookup_service call starts: a direct lookup
            // that followed a Local-policy entry to a missing internal one left the key in the internal scope.
            key = key with { Address = destination.AnyOfFamily, Scope = ServiceKey.ScopeExternal };
            ServiceTraits required = nodePortRange ? ServiceTraits.NodePort : ServiceTraits.HostPort;
            if (LookupService(ref key, out service) && (service.Flags & required) != 0)
            {
                return true;
            }
        }

        key = key with { Address = destination, Scope = ServiceKey.ScopeExternal };
        service = default;
        return false;
    }

    // bpf_mono_now(): whole seconds (bpf_ktime_get_sec), so an affinity expires on the clock's second boundaries.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private long NowSeconds() => _coarseClock ? Environment.TickCount64 / 1000 : _time.GetTimestamp() / _clockTicksPerSecond;

    // lb_affinity_backend_id_by_netns: the remembered backend if the entry has not timed out and the backend still
    // belongs to the frontend (then last-used is refreshed in place); otherwise the entry is deleted and 0 returned.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private uint AffinityBackend(in AffinityKey key, in ServiceEntry service, long now)
    {
        if (!_tables.TryGetAffinity(key, out AffinityEntry entry))
        {
            return 0;
        }

        // Sticky for [last used, last used + timeout), in whole seconds as bpf_mono_now() counts them.
        if (entry.LastUsed + service.AffinityTimeout <= now || !_tables.IsAffinityMatch(new AffinityMatchKey(entry.BackendId, service.RevNatId)))
        {
            _tables.DeleteAffinity(key);
            return 0;
        }

        _tables.RefreshAffinity(key, entry with { LastUsed = now });
        return entry.BackendId;
    }

    // __sock_xlate_rev: backend address → service address, unless the service the entry names no longer answers for
    // its address (gone, another rev-NAT id, no backends, or no longer reachable from this socket): then the entry is
    // deleted as stale.
    private HookResult TranslateReverse(Socket socket, ref SockAddr source)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ulong ownNetns = _host.GetNetnsCookie(socket); // also rejects a socket of another host
        if (!source.IsWellFormed)
        {
            return HookResult.Proceed(HookReason.InvalidAddress);
        }

        var reverseKey = new ReverseNatKey(socket.Cookie, source.Address, source.Port);
        if (!_tables.TryGetReverseNat(reverseKey, out ReverseNatEntry entry))
        {
            return HookResult.Proceed(HookReason.NoReverseEntry);
        }

        var key = new ServiceKey(entry.Address, entry.Port, 0, (byte)socket.Protocol, ServiceKey.ScopeExternal);
        if (!ResolveService(ref key, ownNetns == _hostNetnsCookie, out ServiceEntry service) || service.RevNatId != entry.RevNatId || service.Count == 0)
        {
            _tables.DeleteReverseNat(reverseKey);
            return HookResult.Proceed(HookReason.StaleReverseEntry);
        }

        source.Address = entry.Address;
        source.Port = entry.Port;
        return HookResult.Proceed(HookReason.ReverseTranslated);
    }
}
