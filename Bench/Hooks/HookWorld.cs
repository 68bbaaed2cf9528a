using PerfKit.Bench.Infrastructure;
using PerfKit.Hooks;
using PerfKit.Hooks.Tables;

namespace PerfKit.Bench.Hooks;

/// <summary>Which tables the hook logic runs on in a benchmark.</summary>
public enum HookTables
{
    /// <summary>PerfKit's kernel-style maps (<see cref="SocketLoadBalancer"/>).</summary>
    PerfKit,

    /// <summary>ConcurrentDictionary + MemoryCache (<see cref="DotNetLoadBalancer"/>).</summary>
    DotNetBaseline,
}

/// <summary>The hook paths measured one at a time.</summary>
public enum HookPath
{
    /// <summary>TCP connect to a ClusterIP of a socket with no reverse-NAT entry yet (a new socket: the entry is inserted).</summary>
    ClusterIpConnect,

    /// <summary>TCP connect to an affinity service whose entry for the namespace is live.</summary>
    AffinityHit,

    /// <summary>TCP connect to an affinity service whose entry has always expired (delete, select, write).</summary>
    AffinityMiss,

    /// <summary>TCP connect to a local node address on a node port (direct miss, ipcache, wildcard lookup).</summary>
    NodePortWildcard,

    /// <summary>UDP sendmsg on a socket whose reverse-NAT entry is already right (lookup, no write).</summary>
    UdpSendMsgRevNatHit,

    /// <summary>UDP recvmsg from the backend: reverse-NAT lookup, service check, rewrite.</summary>
    RecvMsg,

    /// <summary>sock_release of a TCP socket connected to a ClusterIP: its one reverse-NAT entry is deleted.</summary>
    Release,
}

/// <summary>
/// What one thread runs for a path: <see cref="Prepare"/> untimed before each measured round (it puts the tables in
/// the state the path starts from), then <see cref="Measure"/>, the timed hook calls.
/// </summary>
/// <param name="Prepare">Run before each measured round, not timed.</param>
/// <param name="Measure">The timed hook calls.</param>
public sealed record PathBodies(Action<int> Prepare, Action<int> Measure);

/// <summary>Builds the services, namespaces and sockets of the hook benchmarks, and per-thread bodies for each path.</summary>
public static class HookWorld
{
    private static readonly SockAddr ClusterIp = SockAddr.V4("10.96.0.10", 80);
    private static readonly SockAddr AffinityVip = SockAddr.V4("10.96.0.11", 80);
    private static readonly SockAddr NodePort = SockAddr.V4("192.168.1.10", 30080);
    private static readonly SockAddr Dns = SockAddr.V4("10.96.0.53", 53);

    /// <summary>The load-balancer options of the benchmarks (Cilium's sizes), with <paramref name="clock"/>.</summary>
    public static LoadBalancerOptions Options(TimeProvider clock) => new() { Time = clock };

    /// <summary>Installs the path benchmarks' services into <paramref name="lb"/>.</summary>
    public static void InstallPathServices<TTables>(LoadBalancer<TTables> lb)
        where TTables : struct, ILoadBalancerTables
    {
        BackendSpec[] three = [.. Enumerable.Range(1, 3).Select(i => new BackendSpec(IpAddr.FromV4(0x0A01_0000u + (uint)i), 8080))];
        lb.AddService(new ServiceSpec { Address = ClusterIp.Address, Port = 80, Backends = three });
        lb.AddService(new ServiceSpec { Address = AffinityVip.Address, Port = 80, Backends = three, AffinityTimeout = TimeSpan.FromHours(3) });
        lb.AddService(new ServiceSpec { Address = IpAddr.AnyV4, Port = 30080, Type = ServiceType.NodePort, Backends = three });
        lb.AddService(new ServiceSpec { Address = Dns.Address, Port = 53, Protocol = SocketProtocol.Udp, Backends = three });
        lb.SetNodeAddress(NodePort.Address, NodeAddressKind.Local);
    }

    /// <summary>
    /// The bodies each thread runs for <paramref name="path"/>, <paramref name="calls"/> hook calls per measured round.
    /// The TCP paths use <paramref name="calls"/> sockets per thread, each connected (or released) once per round;
    /// their preparation releases (or connects) them, so that every timed connect inserts its reverse-NAT entry afresh,
    /// as a new socket's does, and every timed release finds one to delete.
    /// </summary>
    public static PathBodies PathBodies<TTables>(LoadBalancer<TTables> lb, NetworkHost host, HookPath path, int threads, int calls)
        where TTables : struct, ILoadBalancerTables
    {
        var tcp = new Socket[threads][];
        var udp = new Socket[threads];
        var backendOfUdp = new SockAddr[threads];
        for (int t = 0; t < threads; t++)
        {
            NetNamespace pod = host.CreateNamespace();
            tcp[t] = [.. Enumerable.Range(0, calls).Select(_ => pod.CreateSocket(SocketProtocol.Tcp))];
            udp[t] = pod.CreateSocket(SocketProtocol.Udp);
            SockAddr dns = Dns;
            lb.SendMsg(udp[t], ref dns); // the reverse-NAT entry the UDP paths find
            backendOfUdp[t] = dns;
        }

        SockAddr destination = path switch
        {
            HookPath.AffinityHit or HookPath.AffinityMiss => AffinityVip,
            HookPath.NodePortWildcard => NodePort,
            _ => ClusterIp,
        };

        void ReleaseAll(int t)
        {
            foreach (Socket socket in tcp[t])
            {
                lb.Release(socket);
            }
        }

        void ConnectAll(int t)
        {
            foreach (Socket socket in tcp[t])
            {
                SockAddr address = destination;
                lb.Connect(socket, ref address);
            }
        }

        static void Nothing(int t)
        {
        }

        return path switch
        {
            HookPath.UdpSendMsgRevNatHit => new(Nothing, t =>
            {
                for (int i = 0; i < calls; i++)
                {
                    SockAddr address = Dns;
                    lb.SendMsg(udp[t], ref address);
                }
            }),
            HookPath.RecvMsg => new(Nothing, t =>
            {
                for (int i = 0; i < calls; i++)
                {
                    SockAddr source = backendOfUdp[t];
                    lb.RecvMsg(udp[t], ref source);
                }
            }),
            HookPath.Release => new(t =>
            {
                ReleaseAll(t);
                ConnectAll(t);
            }, ReleaseAll),
            _ => new(ReleaseAll, ConnectAll),
        };
    }
}
