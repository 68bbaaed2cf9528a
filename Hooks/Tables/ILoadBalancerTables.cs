namespace PerfKit.Hooks.Tables;

/// <summary>
/// The tables the socket load balancer runs on, as a struct policy: <see cref="LoadBalancer{TTables}"/> is
/// specialised by the JIT for each implementation, so the hook logic is written once and pays no interface dispatch.
/// PerfKit's implementation is <see cref="BpfTables"/> (the kernel's map types); a benchmark baseline implements it
/// with ConcurrentDictionary and MemoryCache.
/// </summary>
/// <remarks>Reads are called from hooks on any thread; writes marked "control plane" come from one writer at a time.</remarks>
public interface ILoadBalancerTables
{
    /// <summary>Services map lookup (frontends in slot 0, backend slots 1..count).</summary>
    bool TryGetService(in ServiceKey key, out ServiceEntry entry);

    /// <summary>Backend by id.</summary>
    bool TryGetBackend(uint backendId, out BackendEntry backend);

    /// <summary>What <paramref name="address"/> is to this node (the ipcache lookup).</summary>
    NodeAddressKind NodeAddressKindOf(in IpAddr address);

    /// <summary>Affinity lookup as a program does it (marks the entry used).</summary>
    bool TryGetAffinity(in AffinityKey key, out AffinityEntry entry);

    /// <summary>Writes an existing affinity entry in place (no new entry, no eviction).</summary>
    void RefreshAffinity(in AffinityKey key, in AffinityEntry entry);

    /// <summary>Creates or replaces an affinity entry.</summary>
    void PutAffinity(in AffinityKey key, in AffinityEntry entry);

    /// <summary>Deletes an affinity entry.</summary>
    void DeleteAffinity(in AffinityKey key);

    /// <summary>Whether the backend still belongs to the frontend (the affinity-match set).</summary>
    bool IsAffinityMatch(in AffinityMatchKey key);

    /// <summary>Reverse-NAT lookup by socket and backend.</summary>
    bool TryGetReverseNat(in ReverseNatKey key, out ReverseNatEntry entry);

    /// <summary>
    /// sock_update_revnat: looks the entry up and writes <paramref name="entry"/> only if it is absent or different.
    /// </summary>
    /// <param name="key">The socket and backend.</param>
    /// <param name="entry">The service address the entry should hold.</param>
    /// <param name="written">Whether a write was made.</param>
    /// <returns>False if a needed write found no room.</returns>
    bool UpdateReverseNatIfChanged(in ReverseNatKey key, in ReverseNatEntry entry, out bool written);

    /// <summary>Deletes a reverse-NAT entry (absent is fine).</summary>
    void DeleteReverseNat(in ReverseNatKey key);

    /// <summary>Control plane: creates or replaces a services-map entry; false if the map is full.</summary>
    bool PutService(in ServiceKey key, in ServiceEntry entry);

    /// <summary>Control plane: deletes a services-map entry.</summary>
    void DeleteService(in ServiceKey key);

    /// <summary>Control plane: creates or replaces a backend; false if the map is full.</summary>
    bool PutBackend(uint backendId, in BackendEntry backend);

    /// <summary>Control plane: deletes a backend.</summary>
    void DeleteBackend(uint backendId);

    /// <summary>Control plane: adds to the affinity-match set; false if it is full.</summary>
    bool PutAffinityMatch(in AffinityMatchKey key);

    /// <summary>Control plane: removes from the affinity-match set.</summary>
    void DeleteAffinityMatch(in AffinityMatchKey key);

    /// <summary>Control plane: records a node address; false if the table is full.</summary>
    bool PutNodeAddress(in IpAddr address, NodeAddressKind kind);

    /// <summary>Control plane: forgets a node address.</summary>
    void DeleteNodeAddress(in IpAddr address);

    /// <summary>Free entries in the services, backends and affinity-match tables (for all-or-nothing control-plane changes).</summary>
    (int Services, int Backends, int AffinityMatches) FreeEntries { get; }
}
