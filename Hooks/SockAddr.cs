namespace PerfKit.Hooks;

/// <summary>
/// The address an application passed to connect/sendmsg, or the source recvmsg/getpeername report (the hooks'
/// <c>user_ip4</c>/<c>user_ip6</c> and <c>user_port</c>); hooks rewrite it in place.
/// </summary>
/// <param name="Address">The address (IPv4 held v4-mapped).</param>
/// <param name="Port">The port (0 reaches no service: glibc connects a UDP socket to port 0 to choose a source address).</param>
/// <param name="IsV6Socket">Whether the application used an IPv6 sockaddr (an IPv4 destination may still arrive v4-mapped).</param>
public record struct SockAddr(IpAddr Address, ushort Port, bool IsV6Socket = false)
{
    /// <summary>An IPv4 sockaddr.</summary>
    public static SockAddr V4(string address, ushort port) => new(IpAddr.Parse(address), port);

    /// <summary>An IPv6 sockaddr (a v4-mapped address is handled as IPv4).</summary>
    public static SockAddr V6(string address, ushort port) => new(IpAddr.Parse(address), port, IsV6Socket: true);

    /// <summary>Whether the fields are consistent: an IPv4 sockaddr must hold an IPv4 address.</summary>
    public readonly bool IsWellFormed => IsV6Socket || Address.IsV4;

    /// <inheritdoc />
    public override readonly string ToString() => Address.IsV4 ? $"{Address}:{Port}" : $"[{Address}]:{Port}";
}
