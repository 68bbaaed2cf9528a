using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using PerfKit.Cookies;
using PerfKit.Hooks;

namespace PerfKit.PropertyTests.Hooks;

/// <summary>Creating and discarding namespaces and sockets never yields a cookie seen before.</summary>
public sealed class CookieRecyclingProperties
{
    private static Arbitrary<(int Rounds, int Seed, int Generator)> Plans =>
        (from rounds in Gen.Choose(1, 40)
         from seed in Gen.Choose(0, int.MaxValue)
         from generator in Gen.Choose(0, 2)
         select (rounds, seed, generator)).ToArbitrary();

    [Property(MaxTest = 30)]
    public Property CreateAndDiscard_NeverRepeatsACookie() =>
        Prop.ForAll(Plans, plan =>
        {
            ICookieGenerator socketCookies = plan.Generator switch
            {
                0 => new SharedCookieGenerator(),
                1 => new PerCpuCookieGenerator(possibleCpus: 4),
                _ => new PerThreadCookieGenerator(),
            };
            var host = new NetworkHost(socketCookies: socketCookies);
            var random = new Random(plan.Seed);
            var netnsSeen = new HashSet<ulong> { host.GetNetnsCookie(null) };
            var socketSeen = new HashSet<ulong>();
            var kept = new List<Socket>();
            for (int round = 0; round < plan.Rounds; round++)
            {
                NetNamespace ns = random.Next(3) == 0 ? host.InitialNamespace : host.CreateNamespace();
                Assert.True(ns.IsInitial || netnsSeen.Add(ns.Cookie), $"namespace cookie {ns.Cookie} reused");
                for (int i = random.Next(1, 200); i > 0; i--)
                {
                    Socket socket = ns.CreateSocket(random.Next(2) == 0 ? SocketProtocol.Tcp : SocketProtocol.Udp);
                    using (Cpu.Pin(random.Next(8)))
                    {
                        Assert.True(socketSeen.Add(host.GetSocketCookie(socket)), "socket cookie reused");
                    }

                    if (random.Next(10) == 0)
                    {
                        kept.Add(socket); // most sockets are discarded at once; a few live on
                    }
                }

                if (random.Next(8) == 0)
                {
                    kept.Clear();
                    GC.Collect(); // discarded objects are really gone: nothing can hand their cookies back
                }
            }

            // Cookies of the sockets still alive are unchanged.
            Assert.All(kept, s => Assert.Contains(s.Cookie, socketSeen));
        });
}
