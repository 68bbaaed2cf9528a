using PerfKit.Hooks.Tables;

namespace PerfKit.Hooks;

/// <summary>
/// The socket load balancer on PerfKit's kernel-style maps (<see cref="BpfTables"/>): plain hash maps for
/// services, backends and the affinity-match set; LRU hash maps for session affinity and socket reverse NAT.
/// </summary>
public sealed class SocketLoadBalancer : LoadBalancer<BpfTables>
{
    /// <summary>Creates the load balancer and its tables (Cilium's default sizes unless <paramref name="options"/> says otherwise).</summary>
    public SocketLoadBalancer(NetworkHost host, LoadBalancerOptions? options = null)
        : base(host, new BpfTables(options ??= new LoadBalancerOptions()), options)
    {
    }
}
