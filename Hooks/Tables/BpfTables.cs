using PerfKit.Maps;

namespace PerfKit.Hooks.Tables;

/// <summary>
/// The load balancer's tables as Cilium keeps them: plain hash maps for services, backends, the affinity-match set
/// and node addresses; LRU hash maps for session affinity and socket reverse NAT.
/// </summary>
public readonly struct BpfTables : ILoadBalancerTables
{
    private readonly HashMap<ServiceKey, ServiceEntry> _services;
    private readonly HashMap<uint, BackendEntry> _backends;
    private readonly HashMap<AffinityMatchKey, byte> _affinityMatch;
    private readonly HashMap<IpAddr, NodeAddressKind> _nodeAddresses;

    /// <summary>Creates every table with the sizes of <paramref name="options"/>.</summary>
    public BpfTables(LoadBalancerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        int cpus = options.PossibleCpus;
        _services = new(new HashMapOptions { MaxEntries = options.ServiceMapSize, PossibleCpus = cpus, HashSeed = options.HashSeed });
        _backends = new(new HashMapOptions { MaxEntries = options.BackendMapSize, PossibleCpus = cpus, HashSeed = options.HashSeed });
        _affinityMatch = new(new HashMapOptions { MaxEntries = options.AffinityMatchMapSize, PossibleCpus = cpus, HashSeed = options.HashSeed });
        _nodeAddresses = new(new HashMapOptions { MaxEntries = options.NodeAddressMapSize, PossibleCpus = cpus, HashSeed = options.HashSeed });
        Affinity = new(new LruHashMapOptions
        {
            MaxEntries = options.AffinityMapSize, PossibleCpus = cpus, Flavor = options.LruFlavor, HashSeed = options.HashSeed, StealBeforeShrink = options.StealBeforeShrink,
        });
        ReverseNat = new(new LruHashMapOptions
        {
            MaxEntries = options.ReverseNatMapSize, PossibleCpus = cpus, Flavor = options.LruFlavor, HashSeed = options.HashSeed, StealBeforeShrink = options.StealBeforeShrink,
        });
    }

    /// <summary>The session-affinity LRU (lb6_affinity).</summary>
    public LruHashMap<AffinityKey, AffinityEntry> Affinity { get; }

    /// <summary>The socket reverse-NAT LRU (lb6_reverse_sk).</summary>
    public LruHashMap<ReverseNatKey, ReverseNatEntry> ReverseNat { get; }

    /// <summary>The services map (for inspection).</summary>
    public HashMap<ServiceKey, ServiceEntry> Services => _services;

    /// <inheritdoc />
    public (int Services, int Backends, int AffinityMatches) FreeEntries =>
        (_services.Capacity - _services.Count, _backends.Capacity - _backends.Count, _affinityMatch.Capacity - _affinityMatch.Count);

    /// <inheritdoc />
    public bool TryGetService(in ServiceKey key, out ServiceEntry entry) => _services.TryLookup(key, out entry);

    /// <inheritdoc />
    public bool TryGetBackend(uint backendId, out BackendEntry backend) => _backends.TryLookup(backendId, out backend);

    /// <inheritdoc />
    public NodeAddressKind NodeAddressKindOf(in IpAddr address) => _nodeAddresses.TryLookup(address, out NodeAddressKind kind) ? kind : NodeAddressKind.None;

    /// <inheritdoc />
    public bool TryGetAffinity(in AffinityKey key, out AffinityEntry entry) => Affinity.TryLookup(key, out entry);

    /// <inheritdoc />
    public void RefreshAffinity(in AffinityKey key, in AffinityEntry entry) => Affinity.TryWrite(key, entry);

    /// <inheritdoc />
    public void PutAffinity(in AffinityKey key, in AffinityEntry entry) => Affinity.Update(key, entry);

    /// <inheritdoc />
    public void DeleteAffinity(in AffinityKey key) => Affinity.Delete(key);

    /// <inheritdoc />
    public bool IsAffinityMatch(in AffinityMatchKey key) => _affinityMatch.TryLookup(key, out _);

    /// <inheritdoc />
    public bool TryGetReverseNat(in ReverseNatKey key, out ReverseNatEntry entry) => ReverseNat.TryLookup(key, out entry);

    /// <inheritdoc />
    public bool UpdateReverseNatIfChanged(in ReverseNatKey key, in ReverseNatEntry entry, out bool written) =>
        ReverseNat.UpdateIfChanged(key, entry, out written) == MapResult.Ok;

    /// <inheritdoc />
    public void DeleteReverseNat(in ReverseNatKey key) => ReverseNat.Delete(key);

    /// <inheritdoc />
    public bool PutService(in ServiceKey key, in ServiceEntry entry) => _services.Update(key, entry) == MapResult.Ok;

    /// <inheritdoc />
    public void DeleteService(in ServiceKey key) => _services.Delete(key);

    /// <inheritdoc />
    public bool PutBackend(uint backendId, in BackendEntry backend) => _backends.Update(backendId, backend) == MapResult.Ok;

    /// <inheritdoc />
    public void DeleteBackend(uint backendId) => _backends.Delete(backendId);

    /// <inheritdoc />
    public bool PutAffinityMatch(in AffinityMatchKey key) => _affinityMatch.Update(key, 1) == MapResult.Ok;

    /// <inheritdoc />
    public void DeleteAffinityMatch(in AffinityMatchKey key) => _affinityMatch.Delete(key);

    /// <inheritdoc />
    public bool PutNodeAddress(in IpAddr address, NodeAddressKind kind) => _nodeAddresses.Update(address, kind) == MapResult.Ok;

    /// <inheritdoc />
    public void DeleteNodeAddress(in IpAddr address) => _nodeAddresses.Delete(address);
}
