using PerfKit.Hooks;
using PerfKit.Hooks.Tables;

namespace PerfKit.PropertyTests.Hooks;

/// <summary>One scenario per path of the socket load balancer.</summary>
public sealed class LoadBalancerScenarioTests
{
    private static readonly IpAddr[] Backends3 = new[] { "10.1.0.1", "10.1.0.2", "10.1.0.3" }.Select(IpAddr.Parse).ToArray();

    [Fact]
    public void ClusterIp_TcpConnect_TranslatesToABackend_AndGetPeerNameReportsTheVip()
    {
        var f = new LoadBalancerFixture();
        f.Lb.AddService(LoadBalancerFixture.Service("10.96.0.10", 80));
        (HookResult result, SockAddr address, Socket socket) = f.Connect(f.Pod, SockAddr.V4("10.96.0.10", 80));
        Assert.Equal(HookResult.Proceed(HookReason.Translated), result);
        Assert.Contains(address.Address, Backends3);
        Assert.Equal(8080, address.Port);

        SockAddr peer = address;
        Assert.Equal(HookReason.ReverseTranslated, f.Lb.GetPeerName(socket, ref peer).Reason);
        Assert.Equal(SockAddr.V4("10.96.0.10", 80), peer);
    }

    [Fact]
    public void UnknownDestination_IsNotTranslated()
    {
        var f = new LoadBalancerFixture();
        f.Lb.AddService(LoadBalancerFixture.Service("10.96.0.10", 80));
        (HookResult result, SockAddr address, _) = f.Connect(f.Pod, SockAddr.V4("10.96.0.10", 81));
        Assert.Equal(HookResult.Proceed(HookReason.NoService), result);
        Assert.Equal(SockAddr.V4("10.96.0.10", 81), address);
    }

    [Fact]
    public void Affinity_SameNamespaceKeepsItsBackend_UntilTheTimeout()
    {
        var f = new LoadBalancerFixture();
        f.Lb.AddService(LoadBalancerFixture.Service("10.96.0.20", 80, affinitySeconds: 30));
        (HookResult first, SockAddr chosen, _) = f.Connect(f.Pod, SockAddr.V4("10.96.0.20", 80));
        Assert.Equal(HookReason.Translated, first.Reason);
        for (int i = 0; i < 20; i++)
        {
            f.Clock.Advance(29); // each use refreshes last-used in place, so the entry never expires while used
            (HookResult again, SockAddr address, _) = f.Connect(f.Pod, SockAddr.V4("10.96.0.20", 80));
            Assert.Equal(HookReason.TranslatedByAffinity, again.Reason);
            Assert.Equal(chosen, address);
        }

        f.Clock.Advance(30); // last-used + timeout <= now: expired
        Assert.Equal(HookReason.Translated, f.Connect(f.Pod, SockAddr.V4("10.96.0.20", 80)).Result.Reason);
    }

    [Fact]
    public void Affinity_WithTheSystemClock_KeepsTheBackend()
    {
        var host = new NetworkHost();
        var lb = new SocketLoadBalancer(host, new LoadBalancerOptions { ServiceMapSize = 64, BackendMapSize = 64, AffinityMapSize = 64, AffinityMatchMapSize = 64, ReverseNatMapSize = 64 });
        lb.AddService(LoadBalancerFixture.Service("10.96.0.23", 80, affinitySeconds: 60));
        NetNamespace pod = host.CreateNamespace();
        SockAddr first = SockAddr.V4("10.96.0.23", 80);
        Assert.Equal(HookReason.Translated, lb.Connect(pod.CreateSocket(SocketProtocol.Tcp), ref first).Reason);
        for (int i = 0; i < 20; i++)
        {
            SockAddr again = SockAddr.V4("10.96.0.23", 80);
            Assert.Equal(HookReason.TranslatedByAffinity, lb.Connect(pod.CreateSocket(SocketProtocol.Tcp), ref again).Reason);
            Assert.Equal(first, again);
        }
    }

    [Fact]
    public void Affinity_IsLost_WhenTheBackendLeavesTheService()
    {
        var f = new LoadBalancerFixture();
        ServiceSpec spec = LoadBalancerFixture.Service("10.96.0.21", 80, affinitySeconds: 3600);
        f.Lb.AddService(spec);
        SockAddr chosen = f.Connect(f.Pod, SockAddr.V4("10.96.0.21", 80)).Address;
        f.Lb.UpdateService(spec with { Backends = spec.Backends.Where(b => b.Address != chosen.Address).ToArray() });
        (HookResult result, SockAddr address, _) = f.Connect(f.Pod, SockAddr.V4("10.96.0.21", 80));
        Assert.Equal(HookReason.Translated, result.Reason);
        Assert.NotEqual(chosen.Address, address.Address);
    }

    [Fact]
    public void Affinity_TwoNamespacesAreIndependent()
    {
        var f = new LoadBalancerFixture();
        f.Lb.AddService(LoadBalancerFixture.Service("10.96.0.22", 80, affinitySeconds: 3600));
        NetNamespace other = f.Host.CreateNamespace();
        Assert.Equal(HookReason.Translated, f.Connect(f.Pod, SockAddr.V4("10.96.0.22", 80)).Result.Reason);
        Assert.Equal(HookReason.Translated, f.Connect(other, SockAddr.V4("10.96.0.22", 80)).Result.Reason); // no entry for it yet
        Assert.Equal(HookReason.TranslatedByAffinity, f.Connect(other, SockAddr.V4("10.96.0.22", 80)).Result.Reason);
        var keys = f.Lb.Tables.Affinity.Select(e => e.Key.NetnsCookie).Order().ToArray();
        Assert.Equal(new[] { f.Pod.Cookie, other.Cookie }.Order(), keys);
    }

    [Fact]
    public void ExternalIp_NotLocal_IsNotTranslated_FromAPodNorFromTheHost_ButALocalOneIs()
    {
        var f = new LoadBalancerFixture();
        f.Lb.AddService(LoadBalancerFixture.Service("203.0.113.7", 443, ServiceType.ExternalIp));
        f.Lb.AddService(LoadBalancerFixture.Service("192.0.2.1", 443, ServiceType.ExternalIp));
        f.Lb.SetNodeAddress(IpAddr.Parse("192.0.2.1"), NodeAddressKind.Local);
        foreach (NetNamespace ns in new[] { f.Pod, f.Host.InitialNamespace })
        {
            (HookResult result, SockAddr address, _) = f.Connect(ns, SockAddr.V4("203.0.113.7", 443));
            Assert.Equal(HookResult.Proceed(HookReason.NotLocal), result);
            Assert.Equal(SockAddr.V4("203.0.113.7", 443), address);
            Assert.Equal(HookReason.Translated, f.Connect(ns, SockAddr.V4("192.0.2.1", 443)).Result.Reason);
        }
    }

    [Fact]
    public void LoopbackNodePort_WorksFromTheHost_NotFromAPod()
    {
        var f = new LoadBalancerFixture();
        f.Lb.AddService(LoadBalancerFixture.Service("0.0.0.0", 30080, ServiceType.NodePort));
        Assert.Equal(HookReason.Translated, f.Connect(f.Host.InitialNamespace, SockAddr.V4("127.0.0.1", 30080)).Result.Reason);
        Assert.Equal(HookReason.NoService, f.Connect(f.Pod, SockAddr.V4("127.0.0.1", 30080)).Result.Reason);
    }

    [Fact]
    public void NodePort_ThroughLocalAndRemoteNodeAddresses_NotThroughOthers()
    {
        var f = new LoadBalancerFixture();
        f.Lb.AddService(LoadBalancerFixture.Service("0.0.0.0", 30081, ServiceType.NodePort));
        f.Lb.SetNodeAddress(IpAddr.Parse("192.168.1.10"), NodeAddressKind.Local);
        f.Lb.SetNodeAddress(IpAddr.Parse("192.168.1.11"), NodeAddressKind.RemoteNode);
        Assert.Equal(HookReason.Translated, f.Connect(f.Pod, SockAddr.V4("192.168.1.10", 30081)).Result.Reason);
        Assert.Equal(HookReason.Translated, f.Connect(f.Pod, SockAddr.V4("192.168.1.11", 30081)).Result.Reason);
        Assert.Equal(HookReason.NoService, f.Connect(f.Pod, SockAddr.V4("192.168.1.12", 30081)).Result.Reason);
        f.Lb.SetNodeAddress(IpAddr.Parse("192.168.1.11"), NodeAddressKind.None);
        Assert.Equal(HookReason.NoService, f.Connect(f.Pod, SockAddr.V4("192.168.1.11", 30081)).Result.Reason);
    }

    [Fact]
    public void HostPort_LocalOrLoopbackOnly()
    {
        var f = new LoadBalancerFixture();
        f.Lb.AddService(LoadBalancerFixture.Service("0.0.0.0", 8443, ServiceType.HostPort));
        f.Lb.SetNodeAddress(IpAddr.Parse("192.168.1.10"), NodeAddressKind.Local);
        f.Lb.SetNodeAddress(IpAddr.Parse("192.168.1.11"), NodeAddressKind.RemoteNode);
        Assert.Equal(HookReason.Translated, f.Connect(f.Pod, SockAddr.V4("192.168.1.10", 8443)).Result.Reason);
        Assert.Equal(HookReason.Translated, f.Connect(f.Host.InitialNamespace, SockAddr.V4("127.0.0.1", 8443)).Result.Reason);
        Assert.Equal(HookReason.NoService, f.Connect(f.Pod, SockAddr.V4("192.168.1.11", 8443)).Result.Reason);
    }

    // sock4_wildcard_lookup_full: the loopback shortcut needs the host namespace (in_hostns), for HostPort as for
    // NodePort; inside a pod, 127.0.0.1:hostPort is the pod's own localhost.
    [Theory]
    [InlineData("127.0.0.1", "0.0.0.0")]
    [InlineData("::1", "::")]
    public void HostPort_PodLoopback_IsThePodsOwn_NotTranslated(string loopback, string any)
    {
        var f = new LoadBalancerFixture();
        bool v6 = loopback.Contains(':', StringComparison.Ordinal);
        f.Lb.AddService(LoadBalancerFixture.Service(any, 8444, ServiceType.HostPort, backendPrefix: v6 ? "fd00:1::" : "10.1.0."));
        SockAddr destination = v6 ? SockAddr.V6(loopback, 8444) : SockAddr.V4(loopback, 8444);
        (HookResult fromPod, SockAddr unchanged, _) = f.Connect(f.Pod, destination);
        Assert.Equal(HookResult.Proceed(HookReason.NoService), fromPod);
        Assert.Equal(destination, unchanged);
        Assert.Equal(HookReason.Translated, f.Connect(f.Host.InitialNamespace, destination).Result.Reason);
    }

    // __sock4_xlate_rev looks the service up with the scope switch: a Local-policy service with no node-local backend
    // (external count 0) is found through its internal scope, so the entry the forward path wrote stays valid.
    [Theory]
    [InlineData("10.96.0.60", "10.1.0.")]
    [InlineData("fd00::60", "fd00:1::")]
    public void LocalPolicy_WithNoLocalBackend_ReverseTranslates(string vip, string backendPrefix)
    {
        var f = new LoadBalancerFixture();
        ServiceSpec spec = LoadBalancerFixture.Service(vip, 53, protocol: SocketProtocol.Udp, backendPrefix: backendPrefix) with { TrafficPolicy = TrafficPolicy.Local };
        f.Lb.AddService(spec); // every backend remote: the external scope holds none
        Socket socket = f.Pod.CreateSocket(SocketProtocol.Udp);
        bool v6 = vip.Contains(':', StringComparison.Ordinal);
        SockAddr service = v6 ? SockAddr.V6(vip, 53) : SockAddr.V4(vip, 53);
        SockAddr backend = service;
        Assert.Equal(HookReason.Translated, f.Lb.SendMsg(socket, ref backend).Reason);
        for (int i = 0; i < 3; i++)
        {
            SockAddr reply = backend;
            Assert.Equal(HookReason.ReverseTranslated, f.Lb.RecvMsg(socket, ref reply).Reason);
            Assert.Equal(service, reply);
        }
    }

    // The reverse path's stale check re-runs sock4_wildcard_lookup_full for the original destination: once a remote
    // node's address is forgotten, its NodePort no longer answers, and the entry goes.
    [Fact]
    public void NodePort_ReverseEntry_GoesStale_WhenTheRemoteNodeAddressIsRemoved()
    {
        var f = new LoadBalancerFixture();
        f.Lb.AddService(LoadBalancerFixture.Service("0.0.0.0", 30090, ServiceType.NodePort, protocol: SocketProtocol.Udp));
        f.Lb.SetNodeAddress(IpAddr.Parse("192.168.1.11"), NodeAddressKind.RemoteNode);
        Socket socket = f.Pod.CreateSocket(SocketProtocol.Udp);
        SockAddr backend = SockAddr.V4("192.168.1.11", 30090);
        Assert.Equal(HookReason.Translated, f.Lb.SendMsg(socket, ref backend).Reason);
        SockAddr reply = backend;
        Assert.Equal(HookReason.ReverseTranslated, f.Lb.RecvMsg(socket, ref reply).Reason);
        Assert.Equal(SockAddr.V4("192.168.1.11", 30090), reply);

        f.Lb.SetNodeAddress(IpAddr.Parse("192.168.1.11"), NodeAddressKind.None);
        reply = backend;
        Assert.Equal(HookReason.StaleReverseEntry, f.Lb.RecvMsg(socket, ref reply).Reason);
        Assert.Equal(backend, reply);
        Assert.Equal(HookReason.NoReverseEntry, f.Lb.GetPeerName(socket, ref reply).Reason);
    }

    // The same for loopback NodePort: an entry the host wrote is valid for the host's socket only.
    [Fact]
    public void LoopbackNodePort_ReverseEntry_IsValid_ForTheHostsSocket()
    {
        var f = new LoadBalancerFixture();
        f.Lb.AddService(LoadBalancerFixture.Service("0.0.0.0", 30091, ServiceType.NodePort));
        (HookResult result, SockAddr backend, Socket socket) = f.Connect(f.Host.InitialNamespace, SockAddr.V4("127.0.0.1", 30091));
        Assert.Equal(HookReason.Translated, result.Reason);
        SockAddr peer = backend;
        Assert.Equal(HookReason.ReverseTranslated, f.Lb.GetPeerName(socket, ref peer).Reason);
        Assert.Equal(SockAddr.V4("127.0.0.1", 30091), peer);
    }

    // No Cilium version rejects a destination port of 0: the lookup misses and the hook proceeds (glibc's RFC 6724
    // source-address selection connects a UDP socket to port 0).
    [Theory]
    [InlineData(SocketProtocol.Udp)]
    [InlineData(SocketProtocol.Tcp)]
    public void Port0_Proceeds_Untranslated(SocketProtocol protocol)
    {
        var f = new LoadBalancerFixture();
        f.Lb.AddService(LoadBalancerFixture.Service("10.96.0.61", 53, protocol: protocol));
        (HookResult result, SockAddr address, _) = f.Connect(f.Pod, SockAddr.V4("10.96.0.61", 0), protocol);
        Assert.Equal(HookResult.Proceed(HookReason.NoService), result);
        Assert.Equal(SockAddr.V4("10.96.0.61", 0), address);
        (result, _, _) = f.Connect(f.Host.InitialNamespace, SockAddr.V4("127.0.0.1", 0), protocol);
        Assert.Equal(HookResult.Proceed(HookReason.NoService), result);
    }

    // Cilium's agent installs a NodePort frontend on each node address (its own rev-NAT id) beside the 0.0.0.0
    // surrogate; __sock4_xlate_fwd's direct lookup runs first, the wildcard lookup only on a miss.
    [Fact]
    public void NodePort_OnANodeAddress_IsADirectFrontend_AheadOfTheSurrogate()
    {
        var f = new LoadBalancerFixture();
        f.Lb.SetNodeAddress(IpAddr.Parse("192.168.1.10"), NodeAddressKind.Local);
        f.Lb.SetNodeAddress(IpAddr.Parse("192.168.1.11"), NodeAddressKind.RemoteNode);
        f.Lb.AddService(LoadBalancerFixture.Service("0.0.0.0", 30100, ServiceType.NodePort, protocol: SocketProtocol.Udp, backends: 1, backendPrefix: "10.1.0."));
        f.Lb.AddService(LoadBalancerFixture.Service("192.168.1.10", 30100, ServiceType.NodePort, protocol: SocketProtocol.Udp, backends: 1, backendPrefix: "10.2.0."));
        (HookResult direct, SockAddr toDirect, Socket directSocket) = f.Connect(f.Pod, SockAddr.V4("192.168.1.10", 30100), SocketProtocol.Udp);
        Assert.Equal(HookReason.Translated, direct.Reason);
        Assert.Equal(SockAddr.V4("10.2.0.1", 8080), toDirect);
        (HookResult wildcard, SockAddr toSurrogate, _) = f.Connect(f.Pod, SockAddr.V4("192.168.1.11", 30100), SocketProtocol.Udp);
        Assert.Equal(HookReason.Translated, wildcard.Reason);
        Assert.Equal(SockAddr.V4("10.1.0.1", 8080), toSurrogate);

        SockAddr peer = toDirect;
        Assert.Equal(HookReason.ReverseTranslated, f.Lb.GetPeerName(directSocket, ref peer).Reason);
        Assert.Equal(SockAddr.V4("192.168.1.10", 30100), peer);
        // Its own rev-NAT id: deleting the direct frontend makes its entries stale even though the surrogate still answers.
        Assert.True(f.Lb.DeleteService(IpAddr.Parse("192.168.1.10"), 30100, SocketProtocol.Udp));
        peer = toDirect;
        Assert.Equal(HookReason.StaleReverseEntry, f.Lb.GetPeerName(directSocket, ref peer).Reason);
        Assert.Throws<ArgumentException>(() => f.Lb.AddService(LoadBalancerFixture.Service("192.168.1.10", 8080, ServiceType.HostPort)));
    }

    // Every lb4_lookup_service call starts from the external scope: a direct hit on a Local-policy frontend whose
    // internal entry is gone (mid-delete: the control plane removes it first) must not leave the wildcard lookup in
    // the internal scope, where the Cluster-policy surrogate has no entry.
    [Fact]
    public void WildcardLookup_StartsFromTheExternalScope_AfterALocalPolicyMiss()
    {
        var f = new LoadBalancerFixture();
        f.Lb.SetNodeAddress(IpAddr.Parse("192.168.1.10"), NodeAddressKind.Local);
        f.Lb.AddService(LoadBalancerFixture.Service("0.0.0.0", 30110, ServiceType.NodePort, backends: 1, backendPrefix: "10.1.0."));
        f.Lb.AddService(LoadBalancerFixture.Service("192.168.1.10", 30110, ServiceType.NodePort, backends: 1, backendPrefix: "10.2.0.") with { TrafficPolicy = TrafficPolicy.Local });
        f.Lb.Tables.DeleteService(new ServiceKey(IpAddr.Parse("192.168.1.10"), 30110, 0, (byte)SocketProtocol.Tcp, ServiceKey.ScopeInternal));
        (HookResult result, SockAddr address, _) = f.Connect(f.Pod, SockAddr.V4("192.168.1.10", 30110));
        Assert.Equal(HookReason.Translated, result.Reason);
        Assert.Equal(SockAddr.V4("10.1.0.1", 8080), address); // the surrogate's backend
    }

    // sock_proto_enabled: TCP, UDP and UDP-Lite; any other socket gets -ENOTSUP inside the hook and proceeds untranslated.
    [Fact]
    public void UdpLite_IsHandledAsUdp_AndOtherProtocolsProceedUntranslated()
    {
        var f = new LoadBalancerFixture();
        f.Lb.AddService(LoadBalancerFixture.Service("10.96.0.65", 5000, protocol: SocketProtocol.UdpLite, backends: 3));
        f.Lb.AddService(LoadBalancerFixture.Service("10.96.0.66", 5000, protocol: SocketProtocol.Udp));
        Socket lite = f.Pod.CreateSocket(SocketProtocol.UdpLite);
        SockAddr first = SockAddr.V4("10.96.0.65", 5000);
        Assert.Equal(HookReason.Translated, f.Lb.SendMsg(lite, ref first).Reason);
        for (int i = 0; i < 5; i++)
        {
            SockAddr again = SockAddr.V4("10.96.0.65", 5000);
            f.Lb.SendMsg(lite, ref again);
            Assert.Equal(first, again); // the socket cookie picks the slot, as for UDP
        }

        SockAddr reply = first;
        Assert.Equal(HookReason.ReverseTranslated, f.Lb.RecvMsg(lite, ref reply).Reason);
        SockAddr udpService = SockAddr.V4("10.96.0.66", 5000);
        Assert.Equal(HookResult.Proceed(HookReason.NoService), f.Lb.SendMsg(lite, ref udpService)); // the protocol is in the key

        Socket sctp = f.Pod.CreateSocket(SocketProtocol.Sctp);
        SockAddr destination = SockAddr.V4("10.96.0.66", 5000);
        Assert.Equal(HookResult.Proceed(HookReason.ProtocolNotSupported), f.Lb.Connect(sctp, ref destination));
        Assert.Equal(SockAddr.V4("10.96.0.66", 5000), destination);
        Assert.Equal(HookResult.Proceed(HookReason.ProtocolNotSupported), f.Lb.SendMsg(sctp, ref destination));
        Assert.Throws<ArgumentOutOfRangeException>(() => f.Lb.AddService(LoadBalancerFixture.Service("10.96.0.67", 5000, protocol: SocketProtocol.Sctp)));
    }

    // bpf_mono_now() counts whole seconds: an entry used at 1.999 s (second 1) with a 30 s timeout is sticky through
    // second 30 and gone at 31.000 s, 29.001 s after its use, as in the kernel.
    [Fact]
    public void Affinity_ExpiresOnTheClocksSecondBoundaries()
    {
        var clock = new MillisecondClock(1_999);
        var host = new NetworkHost();
        var lb = new SocketLoadBalancer(host, new LoadBalancerOptions
        {
            ServiceMapSize = 64, BackendMapSize = 64, AffinityMapSize = 64, AffinityMatchMapSize = 64, ReverseNatMapSize = 64, Time = clock,
        });
        lb.AddService(LoadBalancerFixture.Service("10.96.0.68", 80, affinitySeconds: 30, backends: 16));
        NetNamespace pod = host.CreateNamespace();
        HookReason Connect()
        {
            SockAddr address = SockAddr.V4("10.96.0.68", 80);
            return lb.Connect(pod.CreateSocket(SocketProtocol.Tcp), ref address).Reason;
        }

        Assert.Equal(HookReason.Translated, Connect());     // last used: second 1
        clock.Set(30_999);
        Assert.Equal(HookReason.TranslatedByAffinity, Connect()); // second 30 < 1 + 30; refreshed to second 30
        clock.Set(60_000);
        Assert.Equal(HookReason.Translated, Connect());     // second 60 = 30 + 30: expired, 29.001 s after the last use
    }

    // Since v1.13 a service with no backend fails the syscall before the ExternalIP guard is consulted.
    [Fact]
    public void ZeroBackends_AreCheckedBeforeTheExternalIpGuard()
    {
        var f = new LoadBalancerFixture();
        f.Lb.AddService(LoadBalancerFixture.Service("203.0.113.9", 80, ServiceType.ExternalIp, backends: 0));
        HookResult result = f.Connect(f.Pod, SockAddr.V4("203.0.113.9", 80)).Result; // not a local address
        Assert.Equal(HookResult.Reject(HookReason.NoBackend), result);
    }

    // cil_sock_release deletes the entry of the socket's connected peer: {cookie, peer address, peer port}.
    [Fact]
    public void Release_DeletesTheConnectedPeersEntry_AndLeavesOtherSocketsEntries()
    {
        var f = new LoadBalancerFixture();
        f.Lb.AddService(LoadBalancerFixture.Service("10.96.0.62", 80));
        (_, _, Socket first) = f.Connect(f.Pod, SockAddr.V4("10.96.0.62", 80));
        (_, SockAddr secondPeer, Socket second) = f.Connect(f.Pod, SockAddr.V4("10.96.0.62", 80));
        Assert.Equal(2, f.Lb.Tables.ReverseNat.Count);
        f.Lb.Release(first);
        Assert.Single(f.Lb.Tables.ReverseNat);
        SockAddr peer = secondPeer;
        Assert.Equal(HookReason.ReverseTranslated, f.Lb.GetPeerName(second, ref peer).Reason);
    }

    // An unconnected UDP socket has no peer: Cilium's release deletes nothing and leaves its sendmsg entries to the LRU.
    [Fact]
    public void Release_OfAnUnconnectedUdpSocket_LeavesItsEntriesToTheLru()
    {
        var f = new LoadBalancerFixture();
        f.Lb.AddService(LoadBalancerFixture.Service("10.96.0.63", 53, protocol: SocketProtocol.Udp, backends: 1));
        f.Lb.AddService(LoadBalancerFixture.Service("10.96.0.64", 53, protocol: SocketProtocol.Udp, backends: 1, backendPrefix: "10.2.0."));
        Socket socket = f.Pod.CreateSocket(SocketProtocol.Udp);
        SockAddr a = SockAddr.V4("10.96.0.63", 53), b = SockAddr.V4("10.96.0.64", 53);
        f.Lb.SendMsg(socket, ref a);
        f.Lb.SendMsg(socket, ref b);
        f.Lb.Release(socket);
        Assert.Equal(2, f.Lb.Tables.ReverseNat.Count);
    }

    [Fact]
    public void UdpSendMsgThenRecvMsg_RestoresTheServiceAddress_AndTheBackendIsStablePerSocket()
    {
        var f = new LoadBalancerFixture();
        f.Lb.AddService(LoadBalancerFixture.Service("10.96.0.53", 53, protocol: SocketProtocol.Udp, backends: 5));
        Socket socket = f.Pod.CreateSocket(SocketProtocol.Udp);
        SockAddr first = SockAddr.V4("10.96.0.53", 53);
        Assert.Equal(HookReason.Translated, f.Lb.SendMsg(socket, ref first).Reason);
        for (int i = 0; i < 10; i++)
        {
            SockAddr again = SockAddr.V4("10.96.0.53", 53);
            f.Lb.SendMsg(socket, ref again);
            Assert.Equal(first, again);
        }

        SockAddr reply = first;
        Assert.Equal(HookReason.ReverseTranslated, f.Lb.RecvMsg(socket, ref reply).Reason);
        Assert.Equal(SockAddr.V4("10.96.0.53", 53), reply);
        Assert.Single(f.Lb.Tables.ReverseNat); // compare-before-write: ten sends, one entry, no rewrite
    }

    [Fact]
    public void StaleReverseEntry_IsDropped_WhenTheServiceIsGone()
    {
        var f = new LoadBalancerFixture();
        f.Lb.AddService(LoadBalancerFixture.Service("10.96.0.54", 53, protocol: SocketProtocol.Udp));
        Socket socket = f.Pod.CreateSocket(SocketProtocol.Udp);
        SockAddr backend = SockAddr.V4("10.96.0.54", 53);
        f.Lb.SendMsg(socket, ref backend);
        Assert.True(f.Lb.DeleteService(IpAddr.Parse("10.96.0.54"), 53, SocketProtocol.Udp));
        SockAddr reply = backend;
        Assert.Equal(HookReason.StaleReverseEntry, f.Lb.RecvMsg(socket, ref reply).Reason);
        Assert.Equal(backend, reply);
        Assert.Equal(HookReason.NoReverseEntry, f.Lb.RecvMsg(socket, ref reply).Reason);
    }

    [Fact]
    public void Release_DeletesTheConnectedUdpSocketsReverseEntry()
    {
        var f = new LoadBalancerFixture();
        f.Lb.AddService(LoadBalancerFixture.Service("10.96.0.55", 53, protocol: SocketProtocol.Udp));
        (_, SockAddr backend, Socket socket) = f.Connect(f.Pod, SockAddr.V4("10.96.0.55", 53), SocketProtocol.Udp);
        f.Lb.Release(socket);
        Assert.Empty(f.Lb.Tables.ReverseNat);
        SockAddr reply = backend;
        Assert.Equal(HookReason.NoReverseEntry, f.Lb.RecvMsg(socket, ref reply).Reason);
    }

    [Fact]
    public void ServiceWithoutBackends_RejectsWithHostUnreachable()
    {
        var f = new LoadBalancerFixture();
        f.Lb.AddService(LoadBalancerFixture.Service("10.96.0.56", 80, backends: 0));
        HookResult result = f.Connect(f.Pod, SockAddr.V4("10.96.0.56", 80)).Result;
        Assert.Equal(HookVerdict.Reject, result.Verdict);
        Assert.Equal(-113, result.Errno);
    }

    [Fact]
    public void V4MappedV6_IsHandledAsV4_AndWrittenBackAsV4InV6()
    {
        var f = new LoadBalancerFixture();
        f.Lb.AddService(LoadBalancerFixture.Service("10.96.0.57", 80));
        (HookResult result, SockAddr address, _) = f.Connect(f.Pod, SockAddr.V6("::ffff:10.96.0.57", 80));
        Assert.Equal(HookReason.Translated, result.Reason);
        Assert.True(address.IsV6Socket);
        Assert.Contains(address.Address, Backends3);
    }

    [Fact]
    public void Ipv6Service_AndLoadBalancerVip_AreDirectHits()
    {
        var f = new LoadBalancerFixture();
        f.Lb.AddService(LoadBalancerFixture.Service("fd00::10", 80, backendPrefix: "fd00:1::"));
        f.Lb.AddService(LoadBalancerFixture.Service("198.51.100.1", 80, ServiceType.LoadBalancer));
        (HookResult v6, SockAddr address, _) = f.Connect(f.Pod, SockAddr.V6("fd00::10", 80));
        Assert.Equal(HookReason.Translated, v6.Reason);
        Assert.StartsWith("fd00:1::", address.Address.ToString(), StringComparison.Ordinal);
        Assert.Equal(HookReason.Translated, f.Connect(f.Pod, SockAddr.V4("198.51.100.1", 80)).Result.Reason);
    }

    [Fact]
    public void LocalTrafficPolicy_SocketPathUsesAllBackends()
    {
        var f = new LoadBalancerFixture();
        f.Lb.AddService(LoadBalancerFixture.Service("10.96.0.58", 80) with
        {
            TrafficPolicy = TrafficPolicy.Local,
            Backends = [new(IpAddr.Parse("10.1.0.1"), 8080, IsNodeLocal: true), new(IpAddr.Parse("10.1.0.2"), 8080, IsNodeLocal: false)],
        });
        var seen = Enumerable.Range(0, 200).Select(_ => f.Connect(f.Pod, SockAddr.V4("10.96.0.58", 80)).Address.Address).ToHashSet();
        Assert.Equal(2, seen.Count);
    }

    [Fact]
    public void SendMsgOnTcp_AndMalformedAddresses_GetTheKernelsVerdicts()
    {
        var f = new LoadBalancerFixture();
        f.Lb.AddService(LoadBalancerFixture.Service("10.96.0.59", 80));
        Socket tcp = f.Pod.CreateSocket(SocketProtocol.Tcp);
        SockAddr a = SockAddr.V4("10.96.0.59", 80);
        Assert.Equal(HookReason.ProtocolNotSupported, f.Lb.SendMsg(tcp, ref a).Reason);
        SockAddr v4WithV6Address = new(IpAddr.Parse("fd00::1"), 80, IsV6Socket: false);
        Assert.Equal(HookResult.Reject(HookReason.InvalidAddress), f.Lb.Connect(tcp, ref v4WithV6Address));
        Assert.Throws<ArgumentNullException>(() => f.Lb.Connect(null!, ref a));
    }

    [Fact]
    public void BadServiceSpecs_Throw_AndLeaveTheTablesUnchanged()
    {
        var f = new LoadBalancerFixture();
        ServiceSpec good = LoadBalancerFixture.Service("10.96.0.60", 80);
        f.Lb.AddService(good);
        var before = f.Lb.Tables.Services.OrderBy(e => e.Key.ToString()).ToList();
        Assert.Throws<ArgumentOutOfRangeException>(() => f.Lb.AddService(good with { Address = IpAddr.Parse("10.96.0.61"), Protocol = (SocketProtocol)132 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => f.Lb.AddService(good with { Address = IpAddr.Parse("10.96.0.61"), Port = 0 }));
        Assert.Throws<ArgumentException>(() => f.Lb.AddService(good with { Address = IpAddr.Parse("fd00::61") })); // v6 frontend, v4 backends
        Assert.Throws<ArgumentException>(() => f.Lb.AddService(good with { Address = IpAddr.Parse("10.96.0.61"), Backends = [good.Backends[0], good.Backends[0]] }));
        Assert.Throws<ArgumentException>(() => f.Lb.AddService(good with { Address = IpAddr.AnyV4, Type = ServiceType.NodePort })); // port 80 not a node port
        Assert.Throws<ArgumentException>(() => f.Lb.AddService(good with { Type = ServiceType.HostPort, Port = 8080 })); // a HostPort on a concrete address
        Assert.Throws<ArgumentOutOfRangeException>(() => f.Lb.AddService(good with { Address = IpAddr.Parse("10.96.0.61"), AffinityTimeout = TimeSpan.FromMilliseconds(1500) }));
        Assert.Throws<InvalidOperationException>(() => f.Lb.AddService(good)); // duplicate frontend
        Assert.Throws<InvalidOperationException>(() => f.Lb.UpdateService(good with { Port = 81 })); // no such frontend
        Assert.Throws<InvalidOperationException>(() => f.Lb.AddService(LoadBalancerFixture.Service("10.96.0.62", 80, backends: 600))); // no room
        Assert.Equal(before, f.Lb.Tables.Services.OrderBy(e => e.Key.ToString()).ToList());
        Assert.Equal(1, f.Lb.ServiceCount);
    }

    [Fact]
    public void TableLayouts_HaveCiliumsSizes_WithNoHiddenPadding()
    {
        Assert.Equal(24, System.Runtime.CompilerServices.Unsafe.SizeOf<ServiceKey>());       // lb6_key
        Assert.Equal(12, System.Runtime.CompilerServices.Unsafe.SizeOf<ServiceEntry>());     // lb6_service
        Assert.Equal(16, System.Runtime.CompilerServices.Unsafe.SizeOf<AffinityKey>());      // lb4_affinity_key
        Assert.Equal(16, System.Runtime.CompilerServices.Unsafe.SizeOf<AffinityEntry>());    // lb_affinity_val
        Assert.Equal(8, System.Runtime.CompilerServices.Unsafe.SizeOf<AffinityMatchKey>());  // lb_affinity_match
        Assert.Equal(32, System.Runtime.CompilerServices.Unsafe.SizeOf<ReverseNatKey>());    // ipv6_revnat_tuple
    }

    /// <summary>A clock in milliseconds, set by the test.</summary>
    private sealed class MillisecondClock(long milliseconds) : TimeProvider
    {
        private long _milliseconds = milliseconds;

        public override long TimestampFrequency => 1000;

        public override long GetTimestamp() => Interlocked.Read(ref _milliseconds);

        public void Set(long milliseconds) => Interlocked.Exchange(ref _milliseconds, milliseconds);
    }
}
