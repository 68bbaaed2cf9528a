namespace PerfKit.Hooks;

/// <summary>A backend of a service.</summary>
/// <param name="Address">Its address (the same family as the frontend).</param>
/// <param name="Port">Its port, non-zero.</param>
/// <param name="IsNodeLocal">Whether it runs on this node (used by the Local traffic policy's external scope).</param>
public readonly record struct BackendSpec(IpAddr Address, ushort Port, bool IsNodeLocal = true);

/// <summary>A service frontend and its backends, as the control plane installs it.</summary>
public sealed record ServiceSpec
{
    /// <summary>
    /// The frontend address: the VIP for ClusterIP and LoadBalancer, the external IP for ExternalIP, and the
    /// unspecified address of the family (<see cref="IpAddr.AnyV4"/>/<see cref="IpAddr.AnyV6"/>) for NodePort and
    /// HostPort, which are reached through the wildcard lookup.
    /// </summary>
    public required IpAddr Address { get; init; }

    /// <summary>The frontend port (for NodePort, the node port).</summary>
    public required ushort Port { get; init; }

    /// <summary>TCP or UDP.</summary>
    public SocketProtocol Protocol { get; init; } = SocketProtocol.Tcp;

    /// <summary>The service type.</summary>
    public ServiceType Type { get; init; } = ServiceType.ClusterIp;

    /// <summary>The backends (up to 65,535, no duplicates). Empty is allowed: hooks then reject with -EHOSTUNREACH, as the kernel does.</summary>
    public IReadOnlyList<BackendSpec> Backends { get; init; } = [];

    /// <summary>sessionAffinity=ClientIP timeout (whole seconds, at least 1), or null for no affinity.</summary>
    public TimeSpan? AffinityTimeout { get; init; }

    /// <summary>externalTrafficPolicy.</summary>
    public TrafficPolicy TrafficPolicy { get; init; } = TrafficPolicy.Cluster;
}
