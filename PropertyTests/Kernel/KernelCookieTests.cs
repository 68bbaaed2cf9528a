using System.Net.Sockets;
using FsCheck;
using FsCheck.Fluent;
using PerfKit.Hooks;
using PerfKit.Kernel;
using KernelSocket = System.Net.Sockets.Socket;

namespace PerfKit.PropertyTests.Kernel;

/// <summary>
/// Cookies of real sockets (<c>SO_COOKIE</c>, <c>SO_NETNS_COOKIE</c>) beside PerfKit's <see cref="NetworkHost"/>.
/// The correspondence, property by property (absolute values differ and are not compared):
/// <list type="bullet">
/// <item>a socket's cookie is non-zero, unique among live sockets, and the same on every read
/// (<c>Socket.Cookie</c> ↔ <c>SO_COOKIE</c>);</item>
/// <item>every socket of a namespace reports the same netns cookie, and sockets of different namespaces report
/// different ones (<c>NetworkHost.GetNetnsCookie(socket)</c> ↔ <c>SO_NETNS_COOKIE</c>);</item>
/// <item>the namespace the process runs in corresponds to <see cref="NetworkHost.InitialNamespace"/>, a namespace
/// made with <c>unshare(CLONE_NEWNET)</c> to <see cref="NetworkHost.CreateNamespace"/>.</item>
/// </list>
/// </summary>
[Collection(LiveKernelTests.Name)]
public sealed class KernelCookieTests
{
    [Fact]
    public void SocketCookies_AreCookieHsPerCpuBlocks_ReproducedExactlyByPerCpuCookieGenerator()
    {
        LiveKernel.Require();
        int cpus = PerfKit.Conformance.ConformanceRunner.Cpus.Count;
        if (!PerfKit.Conformance.ConformanceRunner.Cpus.SequenceEqual(Enumerable.Range(0, cpus)) || KernelCpus.PossibleCount != cpus)
        {
            Assert.Skip("not run: the online CPUs are not all the possible ones, in order");
        }

        const ulong Batch = 4096; // COOKIE_LOCAL_BATCH
        // Align: on each CPU, draw until a cookie is the last of its block, so that every CPU's next draw takes a
        // fresh block from the shared counter, in the order the CPUs ask, as the model's fresh generator does.
        ulong highest = 0;
        for (int cpu = 0; cpu < cpus; cpu++)
        {
            using AffinityScope pin = CpuAffinity.Pin(cpu);
            ulong cookie;
            int draws = 0;
            do
            {
                cookie = DrawSocketCookie();
                highest = Math.Max(highest, cookie);
                Assert.True(++draws <= (int)Batch + 1, $"CPU {cpu}: no block end in {Batch + 1} draws (cookie {cookie})");
            }
            while (cookie % Batch != 0);
        }

        // A random CPU sequence across several blocks: the kernel's cookies and the model's, step by step.
        var model = new PerfKit.Cookies.PerCpuCookieGenerator(cpus, firstCookie: highest + 1);
        var random = new Random(11);
        const int Steps = (3 * (int)Batch) + 97;
        int same = 0;
        ulong firstKernel = 0, lastKernel = 0;
        for (int i = 0; i < Steps; i++)
        {
            int cpu = random.Next(cpus);
            ulong kernel;
            using (CpuAffinity.Pin(cpu))
            {
                kernel = DrawSocketCookie();
            }

            ulong ours;
            using (Cpu.Pin(cpu))
            {
                ours = model.NextCookie();
            }

            same += kernel == ours ? 1 : 0;
            firstKernel = i == 0 ? kernel : firstKernel;
            lastKernel = kernel;
        }

        Assert.True(same == Steps, $"{same} of {Steps} cookies equal (kernel {firstKernel}…{lastKernel}, blocks from {highest + 1})");
    }

    [Fact]
    public void NetnsCookies_AreNamespaceIds_FromPerCpuBlocks_AsNetworkHostsDefault()
    {
        LiveKernel.Require();
        if (KernelCpus.PossibleCount < 2 || PerfKit.Conformance.ConformanceRunner.Cpus.Count < 2)
        {
            Assert.Skip("not run: needs two CPUs");
        }

        if (NetnsCookieDetection.Detect() != PerfKit.Cookies.NetnsCookieGenerators.Default)
        {
            Assert.Skip("not run: this kernel does not number namespaces in per-CPU batches from 3 (see the era test)");
        }

        // Namespaces created one after another on CPU 0, then on CPU 1: their cookies.
        ulong[] onCpu0 = [.. Enumerable.Range(0, 3).Select(_ => NewNamespaceCookie(cpu: 0))];
        ulong[] onCpu1 = [.. Enumerable.Range(0, 2).Select(_ => NewNamespaceCookie(cpu: 1))];
        ulong initial;
        using (var host = new KernelSocket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp))
        {
            initial = SocketCookies.NetnsCookie(host);
        }

        // NetworkHost's default, the same CPU sequence.
        var model = new NetworkHost();
        ulong[] modelCpu0 = [.. Enumerable.Range(0, 3).Select(_ => ModelNamespaceCookie(model, cpu: 0))];
        ulong[] modelCpu1 = [.. Enumerable.Range(0, 2).Select(_ => ModelNamespaceCookie(model, cpu: 1))];

        // The same shape: the initial namespace's id; on one CPU increasing ids from one block (other namespace types
        // may take ids in between in the kernel); another CPU's ids from another block.
        Assert.Equal(NetworkHost.InitialNetnsCookie, initial);
        Assert.Equal(NetworkHost.InitialNetnsCookie, model.InitialNamespace.Cookie);
        foreach ((ulong[] cpu0, ulong[] cpu1) in new[] { (onCpu0, onCpu1), (modelCpu0, modelCpu1) })
        {
            Assert.True(cpu0.Zip(cpu0.Skip(1)).All(p => p.Second > p.First && p.Second - p.First < 64), $"CPU 0: {string.Join(", ", cpu0)}");
            Assert.True(cpu1.Zip(cpu1.Skip(1)).All(p => p.Second > p.First && p.Second - p.First < 64), $"CPU 1: {string.Join(", ", cpu1)}");
            Assert.True(Math.Abs((double)cpu1[0] - cpu0[^1]) >= 64, $"CPU 0 {cpu0[^1]} and CPU 1 {cpu1[0]} should be in different blocks");
        }
    }

    [Fact]
    public void TheRunningKernelsNetnsEra_IsDetected_AndIsNetworkHostsDefault()
    {
        LiveKernel.Require();
        PerfKit.Cookies.NetnsCookieEra era = NetnsCookieDetection.Detect();
        using (var socket = new KernelSocket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp))
        {
            Assert.Equal(PerfKit.Cookies.NetnsCookieGenerators.InitialCookie(era), SocketCookies.NetnsCookie(socket)); // the era explains init_net's cookie
        }

        if (era != PerfKit.Cookies.NetnsCookieGenerators.Default)
        {
            Assert.Skip($"not run: this kernel numbers namespaces as {era}; NetworkHost's default is {PerfKit.Cookies.NetnsCookieGenerators.Default} (NetnsCookieGenerators.Create({era}, …) models this one)");
        }
    }

    private static ulong NewNamespaceCookie(int cpu) => NetworkNamespaces.RunInNew(() =>
    {
        using var socket = new KernelSocket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        return SocketCookies.NetnsCookie(socket);
    }, cpu);

    private static ulong ModelNamespaceCookie(NetworkHost model, int cpu)
    {
        using CpuPin pin = Cpu.Pin(cpu);
        return model.CreateNamespace().Cookie;
    }

    private static ulong DrawSocketCookie()
    {
        using var socket = new KernelSocket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        return SocketCookies.Cookie(socket);
    }

    [Fact]
    public void SocketCookies_AreNonZero_Unique_AndStable()
    {
        LiveKernel.Require();
        var sockets = new List<KernelSocket>();
        try
        {
            for (int i = 0; i < 400; i++)
            {
                sockets.Add(i % 2 == 0
                    ? new KernelSocket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp)
                    : new KernelSocket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp));
            }

            ulong[] cookies = [.. sockets.Select(SocketCookies.Cookie)];
            Assert.DoesNotContain(0UL, cookies);
            Assert.Equal(cookies.Length, cookies.Distinct().Count());
            Assert.Equal(cookies, sockets.Select(SocketCookies.Cookie));
        }
        finally
        {
            sockets.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public void NetnsCookie_IsShared_WithinANamespace_AndDiffers_InANewOne()
    {
        LiveKernel.Require();
        ulong here = NamespaceCookies(3).Distinct().Single();
        ulong[] inNew = NetworkNamespaces.RunInNew(() => NamespaceCookies(3));
        ulong[] inAnother = NetworkNamespaces.RunInNew(() => NamespaceCookies(2));
        Assert.NotEqual(0UL, here);
        Assert.Single(inNew.Distinct());
        Assert.Single(inAnother.Distinct());
        Assert.Equal(3, new[] { here, inNew[0], inAnother[0] }.Distinct().Count());
    }

    [Fact]
    public void NetworkHost_AnswersAsTheKernelDoes_PropertyByProperty()
    {
        LiveKernel.Require();
        // Namespace 0 is the process's own (the host's initial one); each further one is new. 1-4 namespaces, 1-4 sockets each.
        Gen<int[]> layouts = Gen.Choose(1, 4).SelectMany(namespaces => Gen.Choose(1, 4).ArrayOf(namespaces));
        Prop.ForAll(layouts.ToArbitrary(), layout =>
        {
            Observed[] kernel = FromKernel(layout);
            Observed[] perfKit = FromNetworkHost(layout);
            Assert.Equal(Holds(kernel), Holds(perfKit));
            Assert.All(Holds(kernel), p => Assert.True(p.Value, $"the kernel broke: {p.Key}"));
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(25));
    }

    private readonly record struct Observed(int Namespace, ulong Cookie, ulong CookieAgain, ulong NetnsCookie);

    private static SortedDictionary<string, bool> Holds(Observed[] sockets) => new(StringComparer.Ordinal)
    {
        ["socket cookies are non-zero"] = sockets.All(s => s.Cookie != 0),
        ["socket cookies are unique"] = sockets.Select(s => s.Cookie).Distinct().Count() == sockets.Length,
        ["a socket's cookie is stable"] = sockets.All(s => s.Cookie == s.CookieAgain),
        ["netns cookies are non-zero"] = sockets.All(s => s.NetnsCookie != 0),
        ["sockets share a netns cookie exactly when they share a namespace"] =
            sockets.All(a => sockets.All(b => (a.Namespace == b.Namespace) == (a.NetnsCookie == b.NetnsCookie))),
    };

    private static Observed[] FromKernel(int[] layout)
    {
        var observed = new List<Observed>();
        for (int ns = 0; ns < layout.Length; ns++)
        {
            int index = ns, count = layout[ns];
            Func<Observed[]> open = () => Open(index, count);
            observed.AddRange(ns == 0 ? open() : NetworkNamespaces.RunInNew(open));
        }

        return [.. observed];
    }

    private static Observed[] Open(int ns, int count)
    {
        var sockets = Enumerable.Range(0, count).Select(_ => new KernelSocket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp)).ToList();
        try
        {
            return [.. sockets.Select(s => new Observed(ns, SocketCookies.Cookie(s), SocketCookies.Cookie(s), SocketCookies.NetnsCookie(s)))];
        }
        finally
        {
            sockets.ForEach(s => s.Dispose());
        }
    }

    private static Observed[] FromNetworkHost(int[] layout)
    {
        var host = new NetworkHost();
        var observed = new List<Observed>();
        for (int ns = 0; ns < layout.Length; ns++)
        {
            NetNamespace space = ns == 0 ? host.InitialNamespace : host.CreateNamespace();
            for (int i = 0; i < layout[ns]; i++)
            {
                PerfKit.Hooks.Socket socket = space.CreateSocket(SocketProtocol.Udp);
                observed.Add(new Observed(ns, host.GetSocketCookie(socket), host.GetSocketCookie(socket), host.GetNetnsCookie(socket)));
            }
        }

        return [.. observed];
    }

    private static ulong[] NamespaceCookies(int sockets) => [.. Open(0, sockets).Select(o => o.NetnsCookie)];
}
