using System.Net;
using System.Net.Sockets;
using PerfKit.Hooks;
using PerfKit.Kernel;

namespace PerfKit.PropertyTests.Kernel;

/// <summary>
/// The seed commit's helper, running for real: a cgroup/connect4, connect6 or sendmsg4 program records
/// bpf_get_netns_cookie(ctx) and bpf_get_netns_cookie(NULL) for every UDP connect or send from this process, in a cgroup the test creates and removes; the
/// kernel's answers match SO_NETNS_COOKIE and SO_COOKIE, and NetworkHost answers the same questions the same way.
/// Needs root, bpf(2) and cgroup v2.
/// </summary>
[Collection(LiveKernelTests.Name)]
public sealed class CgroupHookTests
{
    [Theory]
    [InlineData(BpfAttachType.CgroupInet4Connect)]
    [InlineData(BpfAttachType.CgroupInet6Connect)]
    [InlineData(BpfAttachType.CgroupUdp4Sendmsg)]
    public void Hook_TellsTheHostFromAPod_AsNetworkHostDoes(BpfAttachType hook)
    {
        LiveKernel.Require();
        if (Cgroup.MountPoint is null)
        {
            Assert.Skip("not run: cgroup v2 is not mounted");
        }

        using NetnsCookieRecorder recorder = NetnsCookieRecorder.Load(hook);
        (ulong Socket, ulong Netns) host, hostAgain, pod, podOther;
        NetnsCookieRecord? hostRecord, hostAgainRecord, podRecord, podOtherRecord;
        using (Cgroup cgroup = Cgroup.CreateAndEnter($"perfkit-test-{Environment.ProcessId}"))
        {
            cgroup.Attach(recorder.Program, recorder.Hook);
            host = Exercise(hook);
            hostAgain = Exercise(hook);
            pod = NetworkNamespaces.RunInNew(() => Exercise(hook));
            podOther = NetworkNamespaces.RunInNew(() => Exercise(hook));
            hostRecord = recorder.Find(host.Socket);
            hostAgainRecord = recorder.Find(hostAgain.Socket);
            podRecord = recorder.Find(pod.Socket);
            podOtherRecord = recorder.Find(podOther.Socket);
        }

        // The kernel's hook saw every socket, and its answers are the socket options'.
        Assert.True(hostRecord is { } && podRecord is { } && hostAgainRecord is { } && podOtherRecord is { }, $"the {hook} hook recorded every call");
        Assert.Equal(host.Netns, hostRecord.Value.SocketNetns);
        Assert.Equal(pod.Netns, podRecord.Value.SocketNetns);
        Assert.Equal(podOther.Netns, podOtherRecord.Value.SocketNetns);
        Assert.True(hostRecord.Value.InHost, "a host socket: netns(ctx) == netns(NULL)");
        Assert.False(podRecord.Value.InHost, "a pod socket: netns(ctx) != netns(NULL)");
        Assert.Equal(hostRecord.Value.InitialNetns, podRecord.Value.InitialNetns); // NULL names the initial namespace from anywhere
        Assert.NotEqual(podRecord.Value.SocketNetns, podOtherRecord.Value.SocketNetns); // one key per namespace
        Assert.Equal(host.Netns, hostAgain.Netns);
        Assert.NotEqual(host.Socket, hostAgain.Socket); // one cookie per socket

        // NetworkHost, the kit's model, answers the same questions the same way.
        var model = new NetworkHost();
        PerfKit.Hooks.Socket hostSocket = model.InitialNamespace.CreateSocket(SocketProtocol.Udp), hostSocketAgain = model.InitialNamespace.CreateSocket(SocketProtocol.Udp);
        PerfKit.Hooks.Socket podSocket = model.CreateNamespace().CreateSocket(SocketProtocol.Udp), podOtherSocket = model.CreateNamespace().CreateSocket(SocketProtocol.Udp);
        Assert.True(model.GetNetnsCookie(hostSocket) == model.GetNetnsCookie(null));
        Assert.False(model.GetNetnsCookie(podSocket) == model.GetNetnsCookie(null));
        Assert.NotEqual(model.GetNetnsCookie(podSocket), model.GetNetnsCookie(podOtherSocket));
        Assert.Equal(model.GetNetnsCookie(hostSocket), model.GetNetnsCookie(hostSocketAgain));
        Assert.NotEqual(model.GetSocketCookie(hostSocket), model.GetSocketCookie(hostSocketAgain));
    }

    // The call the hook runs on: a UDP connect to the loopback address, or a sendmsg to it from an unconnected
    // socket. Both hooks run before routing, so in a new namespace (loopback down) they run although the call fails.
    private static (ulong Socket, ulong Netns) Exercise(BpfAttachType hook)
    {
        bool v6 = hook == BpfAttachType.CgroupInet6Connect;
        using var socket = new System.Net.Sockets.Socket(v6 ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        var target = new IPEndPoint(v6 ? IPAddress.IPv6Loopback : IPAddress.Loopback, 9);
        try
        {
            if (hook == BpfAttachType.CgroupUdp4Sendmsg)
            {
                socket.SendTo([1], target);
            }
            else
            {
                socket.Connect(target);
            }
        }
        catch (SocketException)
        {
            // ENETUNREACH in a fresh namespace: the hook has already run.
        }

        return (SocketCookies.Cookie(socket), SocketCookies.NetnsCookie(socket));
    }
}
