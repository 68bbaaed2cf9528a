using PerfKit.Bench.Infrastructure;
using PerfKit.Hooks;
using PerfKit.Hooks.Tables;
using PerfKit.Maps.Planning;

namespace PerfKit.Bench.Hooks;

/// <summary>
/// The mixed hook workload of the reference notes (§5), scaled to 1,000 services: 88 % ClusterIP, 7 % NodePort,
/// 3 % LoadBalancer, 1 % ExternalIP (half local), 1 % HostPort; 2–4 backends for 70 %, 5–20 for 25 %, 50–250 for 5 %;
/// sessionAffinity on 7 %; every service dual-stack (an IPv4 and an IPv6 frontend, each with its own backends) on
/// TCP and UDP; Zipf(1.0) popularity with kube-dns taking 30 % of UDP operations; 110 pod namespaces plus the host
/// (~14 % of sockets). Operations: 65 % TCP connect (the socket's previous connection released first), 10 %
/// connected-UDP connect, 10 % UDP sendmsg, 12 % recvmsg (2 % of them from an address with no entry), 2 %
/// getpeername, 1 % release; IPv4:IPv6 80:20, and 3 % of the IPv4 operations from IPv6 sockets (v4-mapped
/// destinations, translated as IPv4). Everything is precomputed; the measured loop only calls hooks.
/// </summary>
public static class MixedHookWorkload
{
    private const int Services = 1000;
    private const int Pods = 110;
    private const int TcpSockets = 2048;
    private const int UdpSockets = 256;

    private enum Kind : byte { TcpConnect, UdpConnect, UdpSend, Recv, GetPeerName, Release }

    private readonly record struct Op(Kind Kind, int Socket, SockAddr Destination);

    /// <summary>Installs the catalogue and returns the per-thread body running <paramref name="count"/> operations.</summary>
    public static Action<int> Build<TTables>(LoadBalancer<TTables> lb, NetworkHost host, int threads, int count)
        where TTables : struct, ILoadBalancerTables
    {
        var random = new Random(2026);
        IpAddr[] localNode = [.. Enumerable.Range(10, 10).Select(i => IpAddr.FromV4(0xC0A8_0100u + (uint)i))];  // 192.168.1.10-19
        IpAddr[] remoteNode = [.. Enumerable.Range(10, 10).Select(i => IpAddr.FromV4(0xC0A8_0200u + (uint)i))]; // 192.168.2.10-19
        IpAddr[] localNode6 = [.. Enumerable.Range(10, 10).Select(i => IpAddr.FromV6(0xFD00_0192_0168_0001, (ulong)i))];  // fd00:192:168:1::10-19
        IpAddr[] remoteNode6 = [.. Enumerable.Range(10, 10).Select(i => IpAddr.FromV6(0xFD00_0192_0168_0002, (ulong)i))]; // fd00:192:168:2::10-19
        foreach ((IpAddr[] addresses, NodeAddressKind kind) in new[] { (localNode, NodeAddressKind.Local), (remoteNode, NodeAddressKind.RemoteNode), (localNode6, NodeAddressKind.Local), (remoteNode6, NodeAddressKind.RemoteNode) })
        {
            foreach (IpAddr a in addresses)
            {
                lb.SetNodeAddress(a, kind);
            }
        }

        var frontends = new (ServiceType Type, SockAddr Frontend, SockAddr Frontend6)[Services];
        for (int s = 0; s < Services; s++)
        {
            int roll = random.Next(100);
            ServiceType type = s == 0 ? ServiceType.ClusterIp : roll < 88 ? ServiceType.ClusterIp : roll < 95 ? ServiceType.NodePort
                : roll < 98 ? ServiceType.LoadBalancer : roll < 99 ? ServiceType.ExternalIp : ServiceType.HostPort;
            // The IPv4 frontend, and the address of the same service's IPv6 frontend (same type and port).
            (SockAddr Frontend, IpAddr Address6) bothFamilies = type switch
            {
                ServiceType.NodePort => (new(IpAddr.AnyV4, (ushort)(30000 + s)), IpAddr.AnyV6),
                ServiceType.HostPort => (new(IpAddr.AnyV4, (ushort)(8000 + s)), IpAddr.AnyV6),
                ServiceType.LoadBalancer => (new(IpAddr.FromV4(0xC633_6400u + (uint)s), 443), IpAddr.FromV6(0x2001_0DB8_0000_0064, (ulong)s)), // 198.51.100.x, 2001:db8:0:64::x
                ServiceType.ExternalIp => random.Next(2) == 0
                    ? (new(localNode[s % localNode.Length], (ushort)(1000 + s)), localNode6[s % localNode6.Length])
                    : (new(IpAddr.FromV4(0xCB00_7100u + (uint)(s % 250)), (ushort)(1000 + s)), IpAddr.FromV6(0x2001_0DB8_0000_0071, (ulong)s)), // 203.0.113.x, 2001:db8:0:71::x
                _ => (new(IpAddr.FromV4(0x0A60_0000u + (uint)s), s == 0 ? (ushort)53 : (ushort)80), IpAddr.FromV6(0xFD00_0010_0096_0000, (ulong)s)), // 10.96.x.x, fd00:10:96::x
            };
            (SockAddr frontend, IpAddr address6) = bothFamilies;
            frontends[s] = (type, frontend, new SockAddr(address6, frontend.Port));
            int sizeRoll = random.Next(100);
            int backends = s == 0 ? 2 : sizeRoll < 70 ? random.Next(2, 5) : sizeRoll < 95 ? random.Next(5, 21) : random.Next(50, 251);
            BackendSpec[] list = [.. Enumerable.Range(0, backends).Select(b => new BackendSpec(IpAddr.FromV4(0x0A00_0000u + ((uint)(s + 1) << 8) + (uint)b + 1), 8080))];
            BackendSpec[] list6 = [.. Enumerable.Range(0, backends).Select(b => new BackendSpec(IpAddr.FromV6(0xFD00_0010_0001_0000UL + (ulong)(s + 1), (ulong)b + 1), 8080))];
            TimeSpan? affinity = s != 0 && random.Next(100) < 7 ? TimeSpan.FromHours(3) : null;
            foreach (SocketProtocol protocol in new[] { SocketProtocol.Tcp, SocketProtocol.Udp })
            {
                lb.AddService(new ServiceSpec { Address = frontend.Address, Port = frontend.Port, Type = type, Protocol = protocol, Backends = list, AffinityTimeout = affinity });
                lb.AddService(new ServiceSpec { Address = address6, Port = frontend.Port, Type = type, Protocol = protocol, Backends = list6, AffinityTimeout = affinity });
            }
        }

        var popularity = new ZipfSampler(Services, 1.0, seed: 7);
        var ops = new Op[threads][];
        var tcp = new Socket[threads][];
        var udp = new Socket[threads][];
        NetNamespace[] pods = [.. Enumerable.Range(0, Pods).Select(_ => host.CreateNamespace())];
        NetNamespace NamespaceOf(int socket) => socket % 7 == 0 ? host.InitialNamespace : pods[socket % Pods];
        for (int t = 0; t < threads; t++)
        {
            tcp[t] = [.. Enumerable.Range(0, TcpSockets).Select(j => NamespaceOf(j).CreateSocket(SocketProtocol.Tcp))];
            udp[t] = [.. Enumerable.Range(0, UdpSockets).Select(j => NamespaceOf(j).CreateSocket(SocketProtocol.Udp))];
            ops[t] = new Op[count];
            for (int i = 0; i < count; i++)
            {
                int roll = random.Next(100);
                Kind kind = roll < 65 ? Kind.TcpConnect : roll < 75 ? Kind.UdpConnect : roll < 85 ? Kind.UdpSend : roll < 97 ? Kind.Recv : roll < 99 ? Kind.GetPeerName : Kind.Release;
                bool udpOp = kind is Kind.UdpConnect or Kind.UdpSend or Kind.Recv;
                int socket = random.Next(udpOp ? UdpSockets : TcpSockets);
                int service = udpOp && random.Next(100) < 30 ? 0 : popularity.Next();
                (ServiceType type, SockAddr frontend, SockAddr frontend6) = frontends[service];
                bool v6 = random.Next(100) < 20;
                IpAddr[] local = v6 ? localNode6 : localNode, remote = v6 ? remoteNode6 : remoteNode;
                SockAddr destination = type switch
                {
                    ServiceType.NodePort => new(socket % 7 == 0 && random.Next(3) == 0 ? (v6 ? IpAddr.FromV6(0, 1) : IpAddr.FromV4(0x7F00_0001)) // loopback from the host
                        : random.Next(2) == 0 ? local[random.Next(local.Length)] : remote[random.Next(remote.Length)], frontend.Port),
                    ServiceType.HostPort => new(local[random.Next(local.Length)], frontend.Port),
                    _ => v6 ? frontend6 : frontend,
                };

                // An IPv6 socket's sockaddr_in6; 3 % of the IPv4 operations come from IPv6 sockets (v4-mapped).
                destination = destination with { IsV6Socket = v6 || random.Next(100) < 3 };
                if (kind == Kind.Recv && random.Next(100) < 2)
                {
                    destination = new(IpAddr.FromV4(0x0AFF_0000u + (uint)random.Next(65536)), 9); // no entry: the miss path
                }

                ops[t][i] = new Op(kind, socket, destination);
            }
        }

        var tcpPeers = new SockAddr[threads][];
        var udpPeers = new SockAddr[threads][];
        for (int t = 0; t < threads; t++)
        {
            tcpPeers[t] = new SockAddr[TcpSockets];
            udpPeers[t] = new SockAddr[UdpSockets];
        }

        return t =>
        {
            Op[] mine = ops[t];
            Socket[] tcpMine = tcp[t], udpMine = udp[t];
            SockAddr[] tcpPeer = tcpPeers[t], udpPeer = udpPeers[t];
            for (int i = 0; i < mine.Length; i++)
            {
                Op op = mine[i];
                SockAddr address = op.Destination;
                switch (op.Kind)
                {
                    case Kind.TcpConnect:
                        lb.Release(tcpMine[op.Socket]);
                        lb.Connect(tcpMine[op.Socket], ref address);
                        tcpPeer[op.Socket] = address;
                        break;
                    case Kind.UdpConnect:
                        lb.Connect(udpMine[op.Socket], ref address);
                        udpPeer[op.Socket] = address;
                        break;
                    case Kind.UdpSend:
                        lb.SendMsg(udpMine[op.Socket], ref address);
                        udpPeer[op.Socket] = address;
                        break;
                    case Kind.Recv:
                        SockAddr source = op.Destination.Port == 9 ? op.Destination : udpPeer[op.Socket];
                        lb.RecvMsg(udpMine[op.Socket], ref source);
                        break;
                    case Kind.GetPeerName:
                        SockAddr peer = tcpPeer[op.Socket];
                        lb.GetPeerName(tcpMine[op.Socket], ref peer);
                        break;
                    default:
                        lb.Release(tcpMine[op.Socket]);
                        break;
                }
            }
        };
    }
}
