namespace PerfKit.Hooks.Tables;

// The map layouts of Cilium's socket load balancer (bpf/lib/common.h, lb.h), IPv6-sized so that one table serves
// both families (IPv4 held v4-mapped). Every byte is a declared field, so keys hash and compare by their bytes
// with no stray padding.

/// <summary>lb6_key: a frontend (slot 0) or one of its backend slots (1..count).</summary>
public record struct ServiceKey(IpAddr Address, ushort Port, ushort Slot, byte Protocol, byte Scope)
{
    /// <summary>Scope of the external backend set (the first lookup).</summary>
    public const byte ScopeExternal = 0;

    /// <summary>Scope of the internal (all-backends) set of a Local-traffic-policy service.</summary>
    public const byte ScopeInternal = 1;

    /// <summary>Reserved; always 0.</summary>
    public ushort Padding { get; init; }
}

/// <summary>Flags of a service's master entry (SVC_FLAG_*).</summary>
[Flags]
public enum ServiceTraits : byte
{
    /// <summary>A ClusterIP service.</summary>
    None = 0,

    /// <summary>SVC_FLAG_NODEPORT.</summary>
    NodePort = 1,

    /// <summary>SVC_FLAG_EXTERNAL_IP.</summary>
    ExternalIp = 2,

    /// <summary>SVC_FLAG_HOSTPORT.</summary>
    HostPort = 4,

    /// <summary>SVC_FLAG_LOADBALANCER.</summary>
    LoadBalancer = 8,

    /// <summary>SVC_FLAG_AFFINITY: session affinity by client (netns cookie).</summary>
    Affinity = 16,

    /// <summary>SVC_FLAG_LOCALREDIRECT-free stand-in for "two scopes": repeat the lookup with the internal scope.</summary>
    LocalScope = 32,
}

/// <summary>
/// lb6_service: in slot 0 (the master entry) the backend count, the affinity timeout in seconds, the reverse-NAT
/// id and flags; in slot n the backend id.
/// </summary>
public record struct ServiceEntry(uint BackendIdOrTimeout, ushort Count, ushort RevNatId, ServiceTraits Flags)
{
    /// <summary>Reserved; always 0.</summary>
    public byte Flags2 { get; init; }

    /// <summary>Reserved; always 0.</summary>
    public ushort Padding { get; init; }
}

/// <summary>lb6_backend: a backend's address and port.</summary>
public record struct BackendEntry(IpAddr Address, ushort Port, byte Protocol)
{
    /// <summary>Reserved; always 0.</summary>
    public byte Flags { get; init; }

    /// <summary>Reserved; always 0.</summary>
    public uint Padding { get; init; }
}

/// <summary>lb6_affinity_key with the netns-cookie bit set: the client is a network namespace.</summary>
public record struct AffinityKey(ulong NetnsCookie, ushort RevNatId)
{
    /// <summary>The netns_cookie bit: 1 (the client id is a netns cookie, not an address).</summary>
    public byte NetnsCookieBit { get; init; } = 1;

    /// <summary>Reserved; always 0.</summary>
    public byte Padding1 { get; init; }

    /// <summary>Reserved; always 0.</summary>
    public uint Padding2 { get; init; }
}

/// <summary>lb_affinity_val: when the client last used the backend (a <see cref="TimeProvider"/> timestamp), and which.</summary>
public record struct AffinityEntry(long LastUsed, uint BackendId)
{
    /// <summary>Reserved; always 0.</summary>
    public uint Padding { get; init; }
}

/// <summary>lb_affinity_match: {backend id, reverse-NAT id} is in the set while the backend belongs to the frontend.</summary>
public record struct AffinityMatchKey(uint BackendId, ushort RevNatId)
{
    /// <summary>Reserved; always 0.</summary>
    public ushort Padding { get; init; }
}

/// <summary>ipv6_revnat_tuple: a socket and the backend it talks to.</summary>
public record struct ReverseNatKey(ulong SocketCookie, IpAddr Address, ushort Port)
{
    /// <summary>Reserved; always 0.</summary>
    public ushort Padding1 { get; init; }

    /// <summary>Reserved; always 0.</summary>
    public uint Padding2 { get; init; }
}

/// <summary>ipv6_revnat_entry: the service address and port to report instead of the backend's, and its reverse-NAT id.</summary>
public record struct ReverseNatEntry(IpAddr Address, ushort Port, ushort RevNatId)
{
    /// <summary>Field-by-field equality without the generated comparer chain (the memcmp of sock_update_revnat).</summary>
    public readonly bool SameAs(in ReverseNatEntry other) =>
        Address.High == other.Address.High && Address.Low == other.Address.Low && Port == other.Port && RevNatId == other.RevNatId;

    /// <summary>Reserved; always 0.</summary>
    public uint Padding { get; init; }
}
