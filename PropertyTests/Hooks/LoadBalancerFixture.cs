using PerfKit.Hooks;

namespace PerfKit.PropertyTests.Hooks;

/// <summary>A host with a pod namespace, a socket load balancer with small maps, and helpers to build specs and call hooks.</summary>
internal sealed class LoadBalancerFixture
{
    public LoadBalancerFixture(int reverseNatSize = 1024)
    {
        Host = new NetworkHost();
        Pod = Host.CreateNamespace();
        Lb = new SocketLoadBalancer(Host, new LoadBalancerOptions
        {
            ServiceMapSize = 512,
            BackendMapSize = 512,
            AffinityMapSize = 512,
            AffinityMatchMapSize = 512,
            ReverseNatMapSize = reverseNatSize,
            Time = Clock,
            PossibleCpus = 2,
        });
    }

    public ManualClock Clock { get; } = new();

    public NetworkHost Host { get; }

    public NetNamespace Pod { get; }

    public SocketLoadBalancer Lb { get; }

    public static ServiceSpec Service(string address, ushort port, ServiceType type = ServiceType.ClusterIp, int backends = 3,
        SocketProtocol protocol = SocketProtocol.Tcp, int? affinitySeconds = null, string backendPrefix = "10.1.0.") => new()
    {
        Address = IpAddr.Parse(address),
        Port = port,
        Type = type,
        Protocol = protocol,
        Backends = Enumerable.Range(1, backends).Select(i => new BackendSpec(BackendAddress(backendPrefix, i), 8080)).ToArray(),
        AffinityTimeout = affinitySeconds is int s ? TimeSpan.FromSeconds(s) : null,
    };

    /// <summary>The i-th address after <paramref name="prefix"/> ("10.1.0." + i counted past 255; IPv6 prefixes by text).</summary>
    public static IpAddr BackendAddress(string prefix, int i) =>
        prefix.Contains(':', StringComparison.Ordinal) ? IpAddr.Parse(prefix + i.ToString("x", System.Globalization.CultureInfo.InvariantCulture))
            : IpAddr.FromV4(IpAddr.Parse(prefix + "0").V4 + (uint)i);

    /// <summary>connect() from a new socket in <paramref name="ns"/>; returns the result and the rewritten address.</summary>
    public (HookResult Result, SockAddr Address, Socket Socket) Connect(NetNamespace ns, SockAddr destination, SocketProtocol protocol = SocketProtocol.Tcp)
    {
        Socket socket = ns.CreateSocket(protocol);
        HookResult result = Lb.Connect(socket, ref destination);
        return (result, destination, socket);
    }
}
