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
    private readonly Dictionary<(IpAddr Address, ushort Port, SocketProtocol Protocol), InstalledService> _installed = [];
    private readonly Dictionary<(IpAddr Address, ushort Port, SocketProtocol Protocol), BackendRef> _backendIds = [];
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
            if (!_installed.Remove((address, port, protocol), out InstalledService? old))
            {
                return false;
            }

            // The frontend entries first: from here on hooks miss the service and never reach its slots.
            foreach (byte scope in old.Scopes)
            {
                _tables.DeleteService(new ServiceKey(address, port, 0, (byte)protocol, scope));
            }

            RemoveSlotsAbove(old, address, port, protocol, newCounts: null);
            ReleaseBackends(old, old.BackendIds, keep: []);
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

    private void Apply(ServiceSpec spec, bool mustExist)
    {
        Validate(spec);
        var frontend = (spec.Address, spec.Port, spec.Protocol);
        byte protocol = (byte)spec.Protocol;
        lock (_control)
        {
            _installed.TryGetValue(frontend, out InstalledService? old);
            if (mustExist && old is null)
            {
                throw new InvalidOperationException($"No service is installed at {Describe(spec)}; use AddService.");
            }

            if (!mustExist && old is not null)
            {
                throw new InvalidOperationException($"A service is already installed at {Describe(spec)} (duplicate frontend); use UpdateService.");
            }

            ushort revNatId = old?.RevNatId ?? NextRevNatId();
            var all = spec.Backends.Select(b => (b.Address, b.Port, spec.Protocol)).ToArray();
            var local = spec.Backends.Where(b => b.IsNodeLocal).Select(b => (b.Address, b.Port, spec.Protocol)).ToArray();
            bool twoScopes = spec.TrafficPolicy == TrafficPolicy.Local;
            var scopes = twoScopes
                ? new (byte Scope, (IpAddr, ushort, SocketProtocol)[] Members)[] { (ServiceKey.ScopeInternal, all), (ServiceKey.ScopeExternal, local) }
                : [(ServiceKey.ScopeExternal, all)];

            // Room check before any write: entries this change adds beyond what the old service already holds.
            int newBackends = all.Count(b => !_backendIds.ContainsKey(b));
            int serviceEntries = scopes.Sum(s => 1 + s.Members.Length) - (old?.EntryCount ?? 0);
            int matchEntries = all.Count(b => old is null || !old.BackendIds.Contains(b));
            (int freeServices, int freeBackends, int freeMatches) = _tables.FreeEntries;
            if (serviceEntries > freeServices || newBackends > freeBackends || matchEntries > freeMatches)
            {
                throw new InvalidOperationException(
                    $"No room for {Describe(spec)}: needs {serviceEntries} service, {newBackends} backend and {matchEntries} affinity-match entries; " +
                    $"free: {freeServices}, {freeBackends}, {freeMatches}. Nothing was changed.");
            }

            // 1. Backends and 2. the affinity-match set, before anything can point at them.
            foreach ((IpAddr address, ushort port, SocketProtocol p) in all)
            {
                uint id = AcquireBackend((address, port, p), old);
                Require(_tables.PutAffinityMatch(new AffinityMatchKey(id, revNatId)), "affinity-match");
            }

            // 3. Slots, then 4. the frontend entries that publish the counts (internal scope before external).
            ServiceTraits traits = TraitsOf(spec) | (twoScopes ? ServiceTraits.LocalScope : ServiceTraits.None);
            uint timeout = spec.AffinityTimeout is TimeSpan t ? (uint)t.TotalSeconds : 0;
            foreach ((byte scope, var members) in scopes)
            {
                for (int slot = 0; slot < members.Length; slot++)
                {
                    var slotEntry = new ServiceEntry(_backendIds[members[slot]].Id, 0, revNatId, traits);
                    Require(_tables.PutService(new ServiceKey(spec.Address, spec.Port, (ushort)(slot + 1), protocol, scope), slotEntry), "service");
                }
            }

            foreach ((byte scope, var members) in scopes)
            {
                // The external entry of a Local-policy service sends hooks on to the internal scope.
                ServiceTraits entryTraits = scope == ServiceKey.ScopeInternal ? traits & ~ServiceTraits.LocalScope : traits;
                var master = new ServiceEntry(timeout, (ushort)members.Length, revNatId, entryTraits);
                Require(_tables.PutService(new ServiceKey(spec.Address, spec.Port, 0, protocol, scope), master), "service");
            }

            var installed = new InstalledService(revNatId, all, scopes.Select(s => s.Scope).ToArray(), scopes.ToDictionary(s => s.Scope, s => s.Members.Length));
            _installed[frontend] = installed;
            if (old is not null)
            {
                // 5. Slots beyond the new counts (and scopes no longer used), 6. departed backends.
                foreach (byte scope in old.Scopes.Except(installed.Scopes))
                {
                    _tables.DeleteService(new ServiceKey(spec.Address, spec.Port, 0, protocol, scope));
                }

                RemoveSlotsAbove(old, spec.Address, spec.Port, spec.Protocol, installed.Counts);
                ReleaseBackends(old, old.BackendIds, keep: all);
            }
        }
    }

    private void RemoveSlotsAbove(InstalledService old, IpAddr address, ushort port, SocketProtocol protocol, Dictionary<byte, int>? newCounts)
    {
        foreach ((byte scope, int count) in old.Counts)
        {
            int keep = newCounts is not null && newCounts.TryGetValue(scope, out int n) ? n : 0;
            for (int slot = keep + 1; slot <= count; slot++)
            {
                _tables.DeleteService(new ServiceKey(address, port, (ushort)slot, (byte)protocol, scope));
            }
        }
    }

    private void ReleaseBackends(InstalledService old, (IpAddr, ushort, SocketProtocol)[] previous, (IpAddr, ushort, SocketProtocol)[] keep)
    {
        foreach (var backend in previous.Except(keep))
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

    private uint AcquireBackend((IpAddr Address, ushort Port, SocketProtocol Protocol) backend, InstalledService? old)
    {
        if (!_backendIds.TryGetValue(backend, out BackendRef? reference))
        {
            reference = new BackendRef(++_lastBackendId); // ids are never reused
            _backendIds[backend] = reference;
            Require(_tables.PutBackend(reference.Id, new BackendEntry(backend.Address, backend.Port, (byte)backend.Protocol)), "backend");
        }

        if (old is null || !old.BackendIds.Contains(backend))
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

    private sealed record InstalledService(ushort RevNatId, (IpAddr, ushort, SocketProtocol)[] BackendIds, byte[] Scopes, Dictionary<byte, int> Counts)
    {
        public int EntryCount => Counts.Sum(c => 1 + c.Value);
    }

    private sealed class BackendRef(uint id)
    {
        public uint Id { get; } = id;

        public int Services { get; set; }
    }
}
