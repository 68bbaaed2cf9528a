using System.Net.Sockets;
using PerfKit.Kernel.Interop;

namespace PerfKit.Kernel;

/// <summary>The kernel's cookies of a real socket: <c>SO_COOKIE</c> and <c>SO_NETNS_COOKIE</c> (Linux 5.14+).</summary>
public static unsafe class SocketCookies
{
    /// <summary>The socket's cookie: assigned on first request, unique for the machine's uptime, never 0, stable for the socket's life.</summary>
    /// <exception cref="BpfException">getsockopt failed.</exception>
    public static ulong Cookie(Socket socket) => Read(socket, LibC.SoCookie, "SO_COOKIE");

    /// <summary>The cookie of the network namespace the socket was created in, shared by every socket of that namespace.</summary>
    /// <exception cref="BpfException">getsockopt failed (ENOPROTOOPT before 5.14).</exception>
    public static ulong NetnsCookie(Socket socket) => Read(socket, LibC.SoNetnsCookie, "SO_NETNS_COOKIE");

    private static ulong Read(Socket socket, int option, string name)
    {
        ArgumentNullException.ThrowIfNull(socket);
        using var fd = new HandleLease(socket.SafeHandle);
        ulong value = 0;
        uint length = sizeof(ulong);
        return LibC.GetSockOpt(fd.Value, LibC.SolSocket, option, &value, &length) < 0
            ? throw new BpfException($"getsockopt({name})", LibC.LastErrno)
            : value;
    }
}
