namespace PerfKit.Hooks;

/// <summary>Kubernetes service types as the socket load balancer treats them.</summary>
public enum ServiceType
{
    /// <summary>A cluster VIP: translated on a direct lookup from any namespace.</summary>
    ClusterIp = 0,

    /// <summary>
    /// A node port, the port in the NodePort range: a surrogate frontend (0.0.0.0 or ::) reached by the wildcard
    /// lookup for a local or remote node address, or for loopback from the host namespace only; and, as Cilium's agent
    /// installs them, a frontend of its own on each node address (a direct hit, with its own rev-NAT id).
    /// </summary>
    NodePort = 1,

    /// <summary>An external IP: translated only when the address is local to this node (the CVE-2020-8554 guard).</summary>
    ExternalIp = 2,

    /// <summary>A load-balancer VIP: translated on a direct lookup.</summary>
    LoadBalancer = 3,

    /// <summary>
    /// A host port: a surrogate frontend reached by the wildcard lookup for a local node address, or for loopback from
    /// the host namespace only; the port must be outside the NodePort range; a non-loopback destination is translated
    /// only when local.
    /// </summary>
    HostPort = 4,
}

/// <summary>Which backends serve traffic that enters through the node (externalTrafficPolicy).</summary>
public enum TrafficPolicy
{
    /// <summary>All backends.</summary>
    Cluster = 0,

    /// <summary>
    /// Node-local backends for external traffic; the socket hooks (east-west traffic) still use all backends, by
    /// repeating the service lookup with the internal scope, as Cilium does.
    /// </summary>
    Local = 1,
}

/// <summary>What an address is to this node (the part of Cilium's ipcache the socket hooks consult).</summary>
public enum NodeAddressKind : byte
{
    /// <summary>Not a node address.</summary>
    None = 0,

    /// <summary>An address of this node (identity HOST_ID).</summary>
    Local = 1,

    /// <summary>An address of another node of the cluster (identity remote-node).</summary>
    RemoteNode = 2,
}
