using PerfKit.Hooks.Tables;

namespace PerfKit.Hooks;

/// <content>The control plane: installs, changes and removes services and node addresses.</content>
/// <remarks>
/// One writer at a time (a lock), any number of hooks running meanwhile. Every change is validated and checked
/// against the tables' free space before the first write, so bad input or a full table leaves everything as it
/// was. Writes are ordered so that no hook sees a half-written service: backends, then the affinity-match set, then
/// the slots, then the frontend entry that publishes the backend count; a shrink publishes the smaller count before
/// removing slots. Backend ids are never reused, so an id a hook holds can only name that backend or nothing.
/// </remarks>
public partial class LoadBalancer<TTables>
{
    private readonly Lock _control = new();
    private readonly Dictionary<L4Endpoint, InstalledService> _installed = [];
    private readonly Dictionary<L4Endpoint, BackendRef> _backendIds = [];
    private uint _lastBackendId;
    private ushort _lastRevNatId;

    /// <summary>Installed frontends.</summary>
    public int ServiceCount
    {
        get
        {
            lock (_control)
            {
                return _installed.Count;
            }
        }
    }

    /// <summary>Installs a new service frontend.</summary>
    /// <exception cref="ArgumentException">The spec is invalid (the message says how); nothing was changed.</exception>
    /// <exception cref="InvalidOperationException">The frontend already exists, or the tables have no room; nothing was changed.</exception>
    public void AddService(ServiceSpec spec) => Apply(spec, mustExist: false);

    /// <summary>Replaces the backends, type, affinity or policy of an existing frontend.</summary>
    /// <exception cref="ArgumentException">The spec is invalid; nothing was changed.</exception>
    /// <exception cref="InvalidOperationException">No such frontend, or the tables have no room; nothing was changed.</exception>
    public void UpdateService(ServiceSpec spec) => Apply(spec, mustExist: true);

    /// <summary>Removes a frontend. Returns false if it was not installed.</summary>
    public bool DeleteService(IpAddr address, ushort port, SocketProtocol protocol)
    {
        lock (_control)
        {
            var frontend = new L4Endpoint(address, port, protocol);
            if (!_installed.Remove(frontend, out InstalledService? old))
            {
                return false;
            }

            // The frontend entries first: from here on hooks miss the service and never reach its slots.
            foreach (byte scope in old.Scopes)
            {
                _tables.DeleteService(frontend.Key(0, scope));
            }

            RemoveSlotsAbove(old, frontend, newCounts: null);
            ReleaseBackends(old, keep: []);
            return true;
        }
    }

    /// <summary>Records what <paramref name="address"/> is to this node (<see cref="NodeAddressKind.None"/> forgets it).</summary>
    /// <exception cref="InvalidOperationException">The node address table is full.</exception>
    public void SetNodeAddress(IpAddr address, NodeAddressKind kind)
    {
        if (!Enum.IsDefined(kind))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown node address kind.");
        }

        lock (_control)
        {
            if (kind == NodeAddressKind.None)
            {
                _tables.DeleteNodeAddress(address);
            }
            else if (!_tables.PutNodeAddress(address, kind))
            {
                throw new InvalidOperationException($"The node address table is full; {address} was not added.");
            }
        }
    }

    // Planning (checks, ids, the room check) comes before any write; the writes then run in the order that keeps
    // every state a hook can see whole: what is pointed at before what points at it.
    private void Apply(ServiceSpec spec, bool mustExist)
    {
        Validate(spec);
        lock (_control)
        {
            ServicePlan plan = Plan(spec, mustExist);
            WriteBackends(plan);     // 1. backends, 2. the affinity-match set
            WriteSlots(plan);        // 3. the slots
            PublishFrontends(plan);  // 4. the frontend entries, whose counts make the slots reachable
            _installed[plan.Frontend] = plan.Installed;
            if (plan.Old is not null)
            {
                RetireOld(plan);     // 5. slots beyond the new counts and scopes no longer used, 6. departed backends
            }
        }
    }

    // Everything the writes need, decided first: nothing is written if any of it fails.
    private ServicePlan Plan(ServiceSpec spec, bool mustExist)
    {
        var frontend = new L4Endpoint(spec.Address, spec.Port, spec.Protocol);
        _installed.TryGetValue(frontend, out InstalledService? old);
        if (mustExist && old is null)
        {
            throw new InvalidOperationException($"No service is installed at {Describe(spec)}; use AddService.");
        }

        if (!mustExist && old is not null)
        {
            throw new InvalidOperationException($"A service is already installed at {Describe(spec)} (duplicate frontend); use UpdateService.");
        }

        L4Endpoint[] all = [.. spec.Backends.Select(b => new L4Endpoint(b.Address, b.Port, spec.Protocol))];
        L4Endpoint[] local = [.. spec.Backends.Where(b => b.IsNodeLocal).Select(b => new L4Endpoint(b.Address, b.Port, spec.Protocol))];
        bool twoScopes = spec.TrafficPolicy == TrafficPolicy.Local;
        (byte Scope, L4Endpoint[] Members)[] scopes = twoScopes
            ? [(ServiceKey.ScopeInternal, all), (ServiceKey.ScopeExternal, local)]
            : [(ServiceKey.ScopeExternal, all)];

        // Room: the entries this change adds beyond what the old service already holds.
        int newBackends = all.Count(b => !_backendIds.ContainsKey(b));
        int serviceEntries = scopes.Sum(s => 1 + s.Members.Length) - (old?.EntryCount ?? 0);
        int matchEntries = all.Count(b => old is null || !old.Backends.Contains(b));
        (int freeServices, int freeBackends, int freeMatches) = _tables.FreeEntries;
        if (serviceEntries > freeServices || newBackends > freeBackends || matchEntries > freeMatches)
        {
            throw new InvalidOperationException(
                $"No room for {Describe(spec)}: needs {serviceEntries} service, {newBackends} backend and {matchEntries} affinity-match entries; " +
                $"free: {freeServices}, {freeBackends}, {freeMatches}. Nothing was changed.");
        }

        ushort revNatId = old?.RevNatId ?? NextRevNatId();
        var installed = new InstalledService(revNatId, all, [.. scopes.Select(s => s.Scope)], scopes.ToDictionary(s => s.Scope, s => s.Members.Length));
        return new ServicePlan(frontend, old, installed, scopes,
            TraitsOf(spec) | (twoScopes ? ServiceTraits.LocalScope : ServiceTraits.None),
            spec.AffinityTimeout is TimeSpan t ? (uint)t.TotalSeconds : 0);
    }

    // 1. Backends and 2. the affinity-match set, before anything can point at them.
    private void WriteBackends(ServicePlan plan)
    {
        foreach (L4Endpoint backend in plan.Installed.Backends)
        {
            uint id = AcquireBackend(backend, plan.Old);
            Require(_tables.PutAffinityMatch(new AffinityMatchKey(id, plan.Installed.RevNatId)), "affinity-match");
        }
    }

    // 3. The slots: not reachable until a frontend entry publishes a count that covers them.
    private void WriteSlots(ServicePlan plan)
    {
        foreach ((byte scope, L4Endpoint[] members) in plan.Scopes)
        {
            for (int slot = 0; slot < members.Length; slot++)
            {
                var entry = ServiceEntry.Slot(_backendIds[members[slot]].Id, plan.Installed.RevNatId, plan.Traits);
                Require(_tables.PutService(plan.Frontend.Key((ushort)(slot + 1), scope), entry), "service");
            }
        }
    }

    // 4. The frontend entries (internal scope before external), which publish the backend counts.
    private void PublishFrontends(ServicePlan plan)
    {
        foreach ((byte scope, L4Endpoint[] members) in plan.Scopes)
        {
            // The external entry of a Local-policy service sends hooks on to the internal scope.
            ServiceTraits traits = scope == ServiceKey.ScopeInternal ? plan.Traits & ~ServiceTraits.LocalScope : plan.Traits;
            var entry = ServiceEntry.Frontend((ushort)members.Length, plan.AffinityTimeout, plan.Installed.RevNatId, traits);
            Require(_tables.PutService(plan.Frontend.Key(0, scope), entry), "service");
        }
    }

    // 5. Slots beyond the new counts (and scopes no longer used), 6. departed backends: after the new counts are
    // published, so no hook reaches a removed slot.
    private void RetireOld(ServicePlan plan)
    {
        InstalledService old = plan.Old!;
        foreach (byte scope in old.Scopes.Except(plan.Installed.Scopes))
        {
            _tables.DeleteService(plan.Frontend.Key(0, scope));
        }

        RemoveSlotsAbove(old, plan.Frontend, plan.Installed.Counts);
        ReleaseBackends(old, keep: plan.Installed.Backends);
    }

    private void RemoveSlotsAbove(InstalledService old, L4Endpoint frontend, Dictionary<byte, int>? newCounts)
    {
        foreach ((byte scope, int count) in old.Counts)
        {
            int keep = newCounts is not null && newCounts.TryGetValue(scope, out int n) ? n : 0;
            for (int slot = keep + 1; slot <= count; slot++)
            {
                _tables.DeleteService(frontend.Key((ushort)slot, scope));
            }
        }
    }

    private void ReleaseBackends(InstalledService old, L4Endpoint[] keep)
    {
        foreach (L4Endpoint backend in old.Backends.Except(keep))
        {
            BackendRef reference = _backendIds[backend];
            _tables.DeleteAffinityMatch(new AffinityMatchKey(reference.Id, old.RevNatId));
            if (--reference.Services == 0)
            {
                _tables.DeleteBackend(reference.Id);
                _backendIds.Remove(backend);
            }
        }
    }

    private uint AcquireBackend(L4Endpoint backend, InstalledService? old)
    {
        if (!_backendIds.TryGetValue(backend, out BackendRef? reference))
        {
            reference = new BackendRef(++_lastBackendId); // ids are never reused
            _backendIds[backend] = reference;
            Require(_tables.PutBackend(reference.Id, new BackendEntry(backend.Address, backend.Port, (byte)backend.Protocol)), "backend");
        }

        if (old is null || !old.Backends.Contains(backend))
        {
            reference.Services++;
        }

        return reference.Id;
    }

    private ushort NextRevNatId()
    {
        var inUse = _installed.Values.Select(s => s.RevNatId).ToHashSet();
        for (int attempt = 0; attempt < ushort.MaxValue; attempt++)
        {
            _lastRevNatId = (ushort)(_lastRevNatId == ushort.MaxValue ? 1 : _lastRevNatId + 1);
            if (!inUse.Contains(_lastRevNatId))
            {
                return _lastRevNatId;
            }
        }

        throw new InvalidOperationException("All 65,535 reverse-NAT ids are in use: no more frontends can be installed.");
    }

    private void Validate(ServiceSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(spec.Backends, nameof(spec));
        if (spec.Protocol is not (SocketProtocol.Tcp or SocketProtocol.Udp or SocketProtocol.UdpLite))
        {
            throw new ArgumentOutOfRangeException(nameof(spec), spec.Protocol, $"Unsupported protocol {spec.Protocol}: the socket load balancer serves TCP, UDP and UDP-Lite.");
        }

        if (!Enum.IsDefined(spec.Type) || !Enum.IsDefined(spec.TrafficPolicy))
        {
            throw new ArgumentOutOfRangeException(nameof(spec), $"Unknown service type {spec.Type} or traffic policy {spec.TrafficPolicy}.");
        }

        if (spec.Port == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(spec), "The frontend port must not be 0.");
        }

        // HostPort is reached through the 0.0.0.0/:: surrogate only; NodePort through the surrogate and, as Cilium's agent
        // installs them, through a frontend of its own on each node address (a direct hit, looked up first).
        if (spec.Type == ServiceType.HostPort && !spec.Address.IsAny)
        {
            throw new ArgumentException($"A HostPort service's frontend is the unspecified address (0.0.0.0 or ::), not {spec.Address}.", nameof(spec));
        }

        if (spec.Type is not (ServiceType.NodePort or ServiceType.HostPort) && spec.Address.IsAny)
        {
            throw new ArgumentException($"A {spec.Type} service needs a concrete frontend address, not {spec.Address}.", nameof(spec));
        }

        bool inRange = spec.Port >= _nodePortMin && spec.Port <= _nodePortMax;
        if (spec.Type == ServiceType.NodePort && !inRange)
        {
            throw new ArgumentException($"NodePort {spec.Port} is outside the NodePort range {_nodePortMin}-{_nodePortMax}.", nameof(spec));
        }

        if (spec.Type == ServiceType.HostPort && inRange)
        {
            throw new ArgumentException($"HostPort {spec.Port} is inside the NodePort range {_nodePortMin}-{_nodePortMax}.", nameof(spec));
        }

        if (spec.Backends.Count > ushort.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(spec), spec.Backends.Count, "A service has at most 65,535 backends.");
        }

        foreach (BackendSpec backend in spec.Backends)
        {
            if (backend.Port == 0)
            {
                throw new ArgumentOutOfRangeException(nameof(spec), $"Backend {backend.Address} has port 0.");
            }

            if (backend.Address.IsV4 != spec.Address.IsV4 || backend.Address.IsAny)
            {
                throw new ArgumentException($"Backend {backend.Address} is not a usable address of the frontend's family ({(spec.Address.IsV4 ? "IPv4" : "IPv6")}).", nameof(spec));
            }
        }

        if (spec.Backends.Select(b => (b.Address, b.Port)).Distinct().Count() != spec.Backends.Count)
        {
            throw new ArgumentException("The backend list names a backend twice.", nameof(spec));
        }

        if (spec.AffinityTimeout is TimeSpan timeout && (timeout.TotalSeconds < 1 || timeout.TotalSeconds > uint.MaxValue || timeout.Ticks % TimeSpan.TicksPerSecond != 0))
        {
            throw new ArgumentOutOfRangeException(nameof(spec), timeout, "The affinity timeout must be a whole number of seconds, at least 1.");
        }
    }

    private static ServiceTraits TraitsOf(ServiceSpec spec) => spec.Type switch
    {
        ServiceType.NodePort => ServiceTraits.NodePort,
        ServiceType.ExternalIp => ServiceTraits.ExternalIp,
        ServiceType.HostPort => ServiceTraits.HostPort,
        ServiceType.LoadBalancer => ServiceTraits.LoadBalancer,
        _ => ServiceTraits.None,
    } | (spec.AffinityTimeout is null ? ServiceTraits.None : ServiceTraits.Affinity);

    private static string Describe(ServiceSpec spec) => $"{spec.Protocol} {new SockAddr(spec.Address, spec.Port)}";

    // Room was checked first, so a failed write means the tables changed behind the control plane's back.
    private static void Require(bool written, string table)
    {
        if (!written)
        {
            throw new InvalidOperationException($"The {table} table refused a write after the room check: it was changed outside the control plane.");
        }
    }

    /// <summary>An address, port and protocol: a frontend, or a backend as the tables know it.</summary>
    private readonly record struct L4Endpoint(IpAddr Address, ushort Port, SocketProtocol Protocol)
    {
        /// <summary>The service-table key of this frontend's <paramref name="slot"/> (0: the frontend entry) in <paramref name="scope"/>.</summary>
        public ServiceKey Key(ushort slot, byte scope) => new(Address, Port, slot, (byte)Protocol, scope);
    }

    /// <summary>What is installed for a frontend: its reverse-NAT id, its backends, its scopes and their backend counts.</summary>
    private sealed record InstalledService(ushort RevNatId, L4Endpoint[] Backends, byte[] Scopes, Dictionary<byte, int> Counts)
    {
        public int EntryCount => Counts.Sum(c => 1 + c.Value);
    }

    /// <summary>A change planned and checked, ready to write.</summary>
    private sealed record ServicePlan(L4Endpoint Frontend, InstalledService? Old, InstalledService Installed, (byte Scope, L4Endpoint[] Members)[] Scopes,
        ServiceTraits Traits, uint AffinityTimeout);

    private sealed class BackendRef(uint id)
    {
        public uint Id { get; } = id;

        public int Services { get; set; }
    }
}
