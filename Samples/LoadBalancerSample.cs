using PerfKit.Hooks;

namespace PerfKit.Samples;

internal static class LoadBalancerSample
{
    public static void Run()
    {
        // <readme:load-balancer>
        var host = new NetworkHost();
        var lb = new SocketLoadBalancer(host);          // Cilium's map sizes; LoadBalancerOptions to change them or the clock
        lb.AddService(new ServiceSpec
        {
            Address = IpAddr.Parse("10.96.0.10"), Port = 80,
            Backends = [new(IpAddr.Parse("10.1.0.1"), 8080), new(IpAddr.Parse("10.1.0.2"), 8080)],
            AffinityTimeout = TimeSpan.FromHours(3),    // sessionAffinity: ClientIP, keyed by the client's netns cookie
        });
        Socket socket = host.CreateNamespace().CreateSocket(SocketProtocol.Tcp);
        var destination = SockAddr.V4("10.96.0.10", 80);
        HookResult result = lb.Connect(socket, ref destination);   // destination is now a backend; result says how
        // </readme:load-balancer>
        Check.That(result.Verdict == HookVerdict.Proceed && result.Reason == HookReason.Translated && destination.Port == 8080, "load-balancer");
    }
}
