using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using PerfKit.Hooks;

namespace PerfKit.PropertyTests.Hooks;

/// <summary>The initial namespace's cookie is stable and is what the helper returns for a null context.</summary>
public sealed class NetnsCookieProperties
{
    [Fact]
    public void InitialNamespace_HasTheKernelsInitialId_Three()
    {
        var host = new NetworkHost();
        Assert.Equal(NetworkHost.InitialNetnsCookie, host.InitialNamespace.Cookie);
        Assert.Equal(3UL, host.GetNetnsCookie(null));
    }

    [Property(MaxTest = 100)]
    public Property InitialCookie_IsStable_AndEveryOtherNamespaceDiffers() =>
        Prop.ForAll(Gen.ListOf(Gen.Elements(true, false)).ToArbitrary(), plan =>
        {
            // Each step creates a pod namespace; true also opens a socket there and asks the helper for the
            // socket's namespace cookie, false asks the namespace directly.
            var host = new NetworkHost();
            ulong init = host.GetNetnsCookie(null);
            var cookies = new HashSet<ulong> { init };
            foreach (bool viaSocket in plan)
            {
                NetNamespace pod = host.CreateNamespace();
                ulong cookie = viaSocket ? host.GetNetnsCookie(pod.CreateSocket(SocketProtocol.Udp)) : pod.Cookie;
                Assert.True(cookies.Add(cookie), $"namespace cookie {cookie} repeated");
                Assert.Equal(cookie, pod.Cookie);
                Assert.Equal(init, host.GetNetnsCookie(null));
            }

            Socket hostSocket = host.InitialNamespace.CreateSocket(SocketProtocol.Tcp);
            Assert.Equal(init, host.GetNetnsCookie(hostSocket)); // "in host" test of the hooks
            Assert.Equal(init, host.InitialNamespace.Cookie);
        });

    [Fact]
    public void Helpers_RejectSocketsOfAnotherHost()
    {
        var host = new NetworkHost();
        Socket foreign = new NetworkHost().InitialNamespace.CreateSocket(SocketProtocol.Tcp);
        Assert.Throws<ArgumentException>(() => host.GetNetnsCookie(foreign));
        Assert.Throws<ArgumentException>(() => host.GetSocketCookie(foreign));
        Assert.Throws<ArgumentNullException>(() => host.GetSocketCookie(null!));
    }

    [Fact]
    public void CreateSocket_RejectsUndefinedProtocol()
    {
        var host = new NetworkHost();
        Assert.Throws<ArgumentOutOfRangeException>(() => host.InitialNamespace.CreateSocket((SocketProtocol)1));
        Assert.Equal(SocketProtocol.Sctp, host.InitialNamespace.CreateSocket(SocketProtocol.Sctp).Protocol);
    }
}
