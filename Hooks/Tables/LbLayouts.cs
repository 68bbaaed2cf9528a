namespace PerfKit.Hooks.Tables;

// The map layouts of Cilium's socket load balancer (bpf/lib/common.h, lb.h), IPv6-sized so that one table serves
// both families (IPv4 held v4-mapped). Every byte is a declared field, so keys hash and compare by their bytes
// with no stray padding.
//
// The keys and values the hooks build per call keep their small trailing fields in one 64-bit word (same offsets
// and sizes as the C structs; ports and addresses are kept in host order, as everywhere in the kit). Built field
// by field, a key would be written with 1- and 2-byte stores that the hash then reads back as one 8-byte load: a
// failed store-to-load forward on every service lookup. One 8-byte store forwards.

/// <summary>lb6_key: a frontend (slot 0) or one of its backend slots (1..count).</summary>
public record struct ServiceKey
{
    /// <summary>Scope of the external backend set (the first lookup).</summary>
    public const byte ScopeExternal = 0;

    /// <summary>Scope of the internal (all-backends) set of a Local-traffic-policy service.</summary>
    public const byte ScopeInternal = 1;

    private IpAddr _address;

    private const int SlotShift = 16, ProtocolShift = 32, ScopeShift = 40, PaddingShift = 48; // Port in bits 0–15
    private ulong _tail;

    /// <summary>Creates a key for the frontend <paramref name="address"/>:<paramref name="port"/> (slot 0) or one of its backend slots.</summary>
    public ServiceKey(IpAddr address, ushort port, ushort slot, byte protocol, byte scope)
    {
        _address = address;
        _tail = port | ((ulong)slot << SlotShift) | ((ulong)protocol << ProtocolShift) | ((ulong)scope << ScopeShift);
    }

    /// <summary>The frontend address.</summary>
    public IpAddr Address { readonly get => _address; set => _address = value; }

    /// <summary>The frontend port.</summary>
    public ushort Port { readonly get => (ushort)_tail; set => _tail = PackedWord.Put(_tail, 0, value); }

    /// <summary>0 for the frontend's master entry, 1..count for its backend slots.</summary>
    public ushort Slot { readonly get => (ushort)(_tail >> SlotShift); set => _tail = PackedWord.Put(_tail, SlotShift, value); }

    /// <summary>The IP protocol number (6 TCP, 17 UDP).</summary>
    public byte Protocol { readonly get => (byte)(_tail >> ProtocolShift); set => _tail = PackedWord.Put(_tail, ProtocolShift, value); }

    /// <summary><see cref="ScopeExternal"/> or <see cref="ScopeInternal"/>.</summary>
    public byte Scope { readonly get => (byte)(_tail >> ScopeShift); set => _tail = PackedWord.Put(_tail, ScopeShift, value); }

    /// <summary>Reserved; always 0.</summary>
    public ushort Padding { readonly get => (ushort)(_tail >> PaddingShift); init => _tail = PackedWord.Put(_tail, PaddingShift, value); }
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
/// lb6_service: a frontend entry (slot 0: the backend count, the affinity timeout, the reverse-NAT id and flags) or a
/// slot entry (slot n: the backend id). Made by <see cref="Frontend"/> or <see cref="Slot"/>.
/// </summary>
public readonly record struct ServiceEntry
{
    // lb6_service's union, one 32-bit word: backend_id in a slot entry, affinity_timeout in a frontend entry.
    private readonly uint _backendIdOrTimeout;

    private ServiceEntry(uint backendIdOrTimeout, ushort count, ushort revNatId, ServiceTraits flags)
    {
        _backendIdOrTimeout = backendIdOrTimeout;
        Count = count;
        RevNatId = revNatId;
        Flags = flags;
    }

    /// <summary>A frontend entry: <paramref name="count"/> backends, the affinity timeout in seconds (0 without affinity), the reverse-NAT id and flags.</summary>
    public static ServiceEntry Frontend(ushort count, uint affinityTimeoutSeconds, ushort revNatId, ServiceTraits flags) =>
        new(affinityTimeoutSeconds, count, revNatId, flags);

    /// <summary>A slot entry naming backend <paramref name="backendId"/> of the frontend <paramref name="revNatId"/>.</summary>
    public static ServiceEntry Slot(uint backendId, ushort revNatId, ServiceTraits flags) => new(backendId, 0, revNatId, flags);

    /// <summary>A slot entry's backend.</summary>
    public uint BackendId => _backendIdOrTimeout;

    /// <summary>A frontend entry's affinity timeout in seconds (0 without affinity).</summary>
    public uint AffinityTimeout => _backendIdOrTimeout;

    /// <summary>A frontend entry's backend count (0 in a slot entry).</summary>
    public ushort Count { get; }

    /// <summary>The frontend's reverse-NAT id.</summary>
    public ushort RevNatId { get; }

    /// <summary>The frontend's flags.</summary>
    public ServiceTraits Flags { get; }

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
public record struct AffinityKey
{
    private ulong _netnsCookie;

    private const int NetnsCookieBitShift = 16, Padding1Shift = 24, Padding2Shift = 32; // RevNatId in bits 0–15
    private ulong _tail;

    /// <summary>Creates the key of namespace <paramref name="netnsCookie"/>'s affinity to frontend <paramref name="revNatId"/>.</summary>
    public AffinityKey(ulong netnsCookie, ushort revNatId)
    {
        _netnsCookie = netnsCookie;
        _tail = revNatId | (1UL << NetnsCookieBitShift);
    }

    /// <summary>The client's network-namespace cookie.</summary>
    public ulong NetnsCookie { readonly get => _netnsCookie; set => _netnsCookie = value; }

    /// <summary>The frontend's reverse-NAT id (its affinity scope).</summary>
    public ushort RevNatId { readonly get => (ushort)_tail; set => _tail = PackedWord.Put(_tail, 0, value); }

    /// <summary>The netns_cookie bit: 1 (the client id is a netns cookie, not an address).</summary>
    public byte NetnsCookieBit { readonly get => (byte)(_tail >> NetnsCookieBitShift); init => _tail = PackedWord.Put(_tail, NetnsCookieBitShift, value); }

    /// <summary>Reserved; always 0.</summary>
    public byte Padding1 { readonly get => (byte)(_tail >> Padding1Shift); init => _tail = PackedWord.Put(_tail, Padding1Shift, value); }

    /// <summary>Reserved; always 0.</summary>
    public uint Padding2 { readonly get => (uint)(_tail >> Padding2Shift); init => _tail = PackedWord.Put(_tail, Padding2Shift, value); }
}

/// <summary>lb_affinity_val: when the client last used the backend (a <see cref="TimeProvider"/> timestamp), and which.</summary>
public record struct AffinityEntry
{
    private long _lastUsed;

    private const int PaddingShift = 32; // BackendId in bits 0–31
    private ulong _tail;

    /// <summary>Creates the entry: backend <paramref name="backendId"/>, last used at <paramref name="lastUsed"/>.</summary>
    public AffinityEntry(long lastUsed, uint backendId)
    {
        _lastUsed = lastUsed;
        _tail = backendId;
    }

    /// <summary>When the client last used the backend, in whole seconds of the load balancer's clock (bpf_mono_now()).</summary>
    public long LastUsed { readonly get => _lastUsed; set => _lastUsed = value; }

    /// <summary>The remembered backend.</summary>
    public uint BackendId { readonly get => (uint)_tail; set => _tail = PackedWord.Put(_tail, 0, value); }

    /// <summary>Reserved; always 0.</summary>
    public uint Padding { readonly get => (uint)(_tail >> PaddingShift); init => _tail = PackedWord.Put(_tail, PaddingShift, value); }
}

/// <summary>lb_affinity_match: {backend id, reverse-NAT id} is in the set while the backend belongs to the frontend.</summary>
public record struct AffinityMatchKey
{
    private const int RevNatIdShift = 32, PaddingShift = 48; // BackendId in bits 0–31
    private ulong _word;

    /// <summary>Creates the key saying backend <paramref name="backendId"/> belongs to frontend <paramref name="revNatId"/>.</summary>
    public AffinityMatchKey(uint backendId, ushort revNatId) => _word = backendId | ((ulong)revNatId << RevNatIdShift);

    /// <summary>The backend.</summary>
    public uint BackendId { readonly get => (uint)_word; set => _word = PackedWord.Put(_word, 0, value); }

    /// <summary>The frontend's reverse-NAT id.</summary>
    public ushort RevNatId { readonly get => (ushort)(_word >> RevNatIdShift); set => _word = PackedWord.Put(_word, RevNatIdShift, value); }

    /// <summary>Reserved; always 0.</summary>
    public ushort Padding { readonly get => (ushort)(_word >> PaddingShift); init => _word = PackedWord.Put(_word, PaddingShift, value); }
}

/// <summary>ipv6_revnat_tuple: a socket and the backend it talks to.</summary>
public record struct ReverseNatKey
{
    private ulong _socketCookie;
    private IpAddr _address;

    private const int Padding1Shift = 16, Padding2Shift = 32; // Port in bits 0–15
    private ulong _tail;

    /// <summary>Creates the key of socket <paramref name="socketCookie"/>'s traffic with backend <paramref name="address"/>:<paramref name="port"/>.</summary>
    public ReverseNatKey(ulong socketCookie, IpAddr address, ushort port)
    {
        _socketCookie = socketCookie;
        _address = address;
        _tail = port;
    }

    /// <summary>The socket's cookie.</summary>
    public ulong SocketCookie { readonly get => _socketCookie; set => _socketCookie = value; }

    /// <summary>The backend address.</summary>
    public IpAddr Address { readonly get => _address; set => _address = value; }

    /// <summary>The backend port.</summary>
    public ushort Port { readonly get => (ushort)_tail; set => _tail = PackedWord.Put(_tail, 0, value); }

    /// <summary>Reserved; always 0.</summary>
    public ushort Padding1 { readonly get => (ushort)(_tail >> Padding1Shift); init => _tail = PackedWord.Put(_tail, Padding1Shift, value); }

    /// <summary>Reserved; always 0.</summary>
    public uint Padding2 { readonly get => (uint)(_tail >> Padding2Shift); init => _tail = PackedWord.Put(_tail, Padding2Shift, value); }
}

/// <summary>ipv6_revnat_entry: the service address and port to report instead of the backend's, and its reverse-NAT id.</summary>
public record struct ReverseNatEntry
{
    private IpAddr _address;

    private const int RevNatIdShift = 16, PaddingShift = 32; // Port in bits 0–15
    private ulong _tail;

    /// <summary>Creates the entry reporting <paramref name="address"/>:<paramref name="port"/> of frontend <paramref name="revNatId"/>.</summary>
    public ReverseNatEntry(IpAddr address, ushort port, ushort revNatId)
    {
        _address = address;
        _tail = port | ((ulong)revNatId << RevNatIdShift);
    }

    /// <summary>The service address.</summary>
    public IpAddr Address { readonly get => _address; set => _address = value; }

    /// <summary>The service port.</summary>
    public ushort Port { readonly get => (ushort)_tail; set => _tail = PackedWord.Put(_tail, 0, value); }

    /// <summary>The frontend's reverse-NAT id.</summary>
    public ushort RevNatId { readonly get => (ushort)(_tail >> RevNatIdShift); set => _tail = PackedWord.Put(_tail, RevNatIdShift, value); }

    /// <summary>Reserved; always 0.</summary>
    public uint Padding { readonly get => (uint)(_tail >> PaddingShift); init => _tail = PackedWord.Put(_tail, PaddingShift, value); }
}
