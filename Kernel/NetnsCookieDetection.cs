using System.Net.Sockets;
using PerfKit.Cookies;

namespace PerfKit.Kernel;

/// <summary>Which <see cref="NetnsCookieEra"/> the running kernel follows, read from its behaviour, not its version.</summary>
public static class NetnsCookieDetection
{
    /// <summary>
    /// Creates namespaces on CPU 0 and on the last online CPU and reads their cookies and the initial namespace's: 7 is
    /// the fixed-id counter; 3 the namespace ids in per-CPU batches; otherwise per-CPU batches if the two CPUs' new
    /// cookies are a block apart, a shared counter if they are consecutive. Needs root and two CPUs to tell the batched
    /// eras from the counters.
    /// </summary>
    /// <exception cref="BpfException">A namespace could not be made (not root).</exception>
    public static NetnsCookieEra Detect()
    {
        ulong initial = Cookie();
        if (initial == NetnsCookieGenerators.InitialCookie(NetnsCookieEra.NamespaceIdCounter))
        {
            return NetnsCookieEra.NamespaceIdCounter;
        }

        if (initial == NetnsCookieGenerators.InitialCookie(NetnsCookieEra.NamespaceIdBatches))
        {
            return NetnsCookieEra.NamespaceIdBatches;
        }

        int other = KernelCpus.Online[^1];
        ulong first = NetworkNamespaces.RunInNew(Cookie, cpu: 0), second = NetworkNamespaces.RunInNew(Cookie, cpu: other);
        return other != 0 && Math.Abs((double)second - first) >= 64 ? NetnsCookieEra.PerCpuBatches : NetnsCookieEra.SharedCounter;
    }

    private static ulong Cookie()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        return SocketCookies.NetnsCookie(socket);
    }
}
