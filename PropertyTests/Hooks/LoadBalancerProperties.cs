using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using PerfKit.Hooks;

namespace PerfKit.PropertyTests.Hooks;

/// <summary>
/// Properties of the socket load balancer. Each service draws its backends from its own address block
/// (10.(s+1).0.x), so "the backend belongs to the chosen service" is a check on the address alone.
/// </summary>
public sealed class LoadBalancerProperties
{
    private static IpAddr Vip(int service) => IpAddr.FromV4(0x0A60_0000u + (uint)service); // 10.96.0.s

    private static IpAddr[] Universe(int service, int size) =>
        Enumerable.Range(1, size).Select(i => IpAddr.FromV4(0x0A00_0000u + ((uint)(service + 1) << 16) + (uint)i)).ToArray();

    private static int OwnerOf(IpAddr backend) => (int)((backend.V4 >> 16) & 0xFF) - 1;

    private static ServiceSpec Spec(int service, IEnumerable<IpAddr> backends, SocketProtocol protocol = SocketProtocol.Tcp, int? affinity = null) => new()
    {
        Address = Vip(service),
        Port = 80,
        Protocol = protocol,
        Backends = backends.Select(b => new BackendSpec(b, 8080)).ToArray(),
        AffinityTimeout = affinity is int s ? TimeSpan.FromSeconds(s) : null,
    };

    [Property(MaxTest = 100)]
    public Property Translation_OnlyEverYieldsABackendOfTheChosenService(byte serviceSeed, (byte Service, byte Ns, bool Udp, bool Affinity)[] ops)
    {
        var f = new LoadBalancerFixture();
        int services = 1 + (serviceSeed % 8);
        var namespaces = new[] { f.Host.InitialNamespace, f.Pod, f.Host.CreateNamespace(), f.Host.CreateNamespace() };
        for (int s = 0; s < services; s++)
        {
            foreach (SocketProtocol protocol in new[] { SocketProtocol.Tcp, SocketProtocol.Udp })
            {
                f.Lb.AddService(Spec(s, Universe(s, 1 + ((serviceSeed + s) % 7)), protocol, affinity: s % 2 == 0 ? 60 : null));
            }
        }

        foreach ((byte service, byte ns, bool udp, bool _) in ops)
        {
            int target = service % (services + 1); // one past the last: no such service
            var destination = new SockAddr(Vip(target), 80);
            (HookResult result, SockAddr address, _) = f.Connect(namespaces[ns % namespaces.Length], destination, udp ? SocketProtocol.Udp : SocketProtocol.Tcp);
            if (target == services)
            {
                Assert.Equal(HookReason.NoService, result.Reason);
                Assert.Equal(destination, address);
            }
            else
            {
                Assert.True(result.Rewrote, result.ToString());
                Assert.Equal(target, OwnerOf(address.Address));
            }
        }

        return true.ToProperty();
    }

    [Property(MaxTest = 100)]
    public Property UdpSocket_KeepsItsBackend_WhileTheBackendSetIsUnchanged(byte backends, byte sockets, byte[] schedule)
    {
        var f = new LoadBalancerFixture();
        f.Lb.AddService(Spec(0, Universe(0, 1 + (backends % 40)), SocketProtocol.Udp));
        Socket[] open = Enumerable.Range(0, 1 + (sockets % 8)).Select(_ => f.Pod.CreateSocket(SocketProtocol.Udp)).ToArray();
        var chosen = new Dictionary<Socket, SockAddr>();
        foreach (byte pick in schedule)
        {
            Socket socket = open[pick % open.Length];
            var destination = new SockAddr(Vip(0), 80);
            Assert.Equal(HookReason.Translated, f.Lb.SendMsg(socket, ref destination).Reason);
            Assert.Equal(chosen.GetValueOrDefault(socket, destination), destination);
            chosen[socket] = destination;
        }

        return true.ToProperty();
    }

    [Property(MaxTest = 100)]
    public Property Affinity_EachNamespaceKeepsItsBackend_WhileUsedWithinTheTimeout((byte Ns, byte Wait)[] ops)
    {
        var f = new LoadBalancerFixture();
        f.Lb.AddService(Spec(0, Universe(0, 10), affinity: 100));
        var namespaces = Enumerable.Range(0, 5).Select(_ => f.Host.CreateNamespace()).ToArray();
        var chosen = new Dictionary<NetNamespace, IpAddr>();
        var lastUse = new Dictionary<NetNamespace, int>();
        int now = 0;
        foreach ((byte ns, byte wait) in ops)
        {
            int step = wait % 60; // always within the 100 s timeout of the previous use by this namespace? not necessarily
            f.Clock.Advance(step);
            now += step;
            NetNamespace client = namespaces[ns % namespaces.Length];
            (HookResult result, SockAddr address, _) = f.Connect(client, new SockAddr(Vip(0), 80));
            bool alive = lastUse.TryGetValue(client, out int last) && now - last < 100;
            if (alive)
            {
                Assert.Equal(HookReason.TranslatedByAffinity, result.Reason);
                Assert.Equal(chosen[client], address.Address);
            }
            else
            {
                Assert.Equal(HookReason.Translated, result.Reason);
            }

            chosen[client] = address.Address;
            lastUse[client] = now;
        }

        return true.ToProperty();
    }

    /// <summary>
    /// Two hook threads translate while the control plane replaces backend sets, deletes and re-adds services. A
    /// translation may find no backend for a moment (the kernel's verdict) but must never yield another service's
    /// backend or one outside the service's sets.
    /// </summary>
    [Property(MaxTest = 15)]
    public Property HooksDuringControlPlaneChurn_NeverSeeATornService(int seed)
    {
        var f = new LoadBalancerFixture(reverseNatSize: 4096);
        const int Services = 4;
        for (int s = 0; s < Services; s++)
        {
            f.Lb.AddService(Spec(s, Universe(s, 4), affinity: s == 0 ? 30 : null));
        }

        using var stop = new CancellationTokenSource();
        long translations = 0;
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var hookThreads = Enumerable.Range(0, 2).Select(t => new Thread(() =>
        {
            var random = new Random(seed ^ t);
            NetNamespace ns = f.Host.CreateNamespace();
            while (!stop.IsCancellationRequested)
            {
                int target = random.Next(Services);
                (HookResult result, SockAddr address, Socket socket) = f.Connect(ns, new SockAddr(Vip(target), 80), random.Next(2) == 0 ? SocketProtocol.Tcp : SocketProtocol.Udp);
                if (result.Rewrote)
                {
                    Interlocked.Increment(ref translations);
                    if (OwnerOf(address.Address) != target || address.Port != 8080)
                    {
                        failures.Enqueue($"service {target} translated to {address}");
                    }
                }
                else if (result.Reason is not (HookReason.NoBackend or HookReason.NoService))
                {
                    failures.Enqueue($"service {target}: unexpected {result}");
                }

                f.Lb.Release(socket);
            }
        })).ToArray();
        foreach (Thread t in hookThreads)
        {
            t.Start();
        }

        var churn = new Random(seed);
        for (int round = 0; round < 300; round++)
        {
            int s = churn.Next(Services);
            IpAddr[] universe = Universe(s, 12);
            switch (churn.Next(4))
            {
                case 0:
                    f.Lb.DeleteService(Vip(s), 80, SocketProtocol.Tcp);
                    f.Lb.AddService(Spec(s, universe.Take(1 + churn.Next(12)), affinity: s == 0 ? 30 : null));
                    break;
                default:
                    f.Lb.UpdateService(Spec(s, universe.OrderBy(_ => churn.Next()).Take(churn.Next(13)), affinity: s == 0 ? 30 : null));
                    break;
            }
        }

        stop.Cancel();
        foreach (Thread t in hookThreads)
        {
            t.Join();
        }

        Assert.Empty(failures);
        Assert.True(translations > 0);
        return true.ToProperty();
    }
}
