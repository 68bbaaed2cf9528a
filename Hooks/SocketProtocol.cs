namespace PerfKit.Hooks;

/// <summary>The transport protocol of a <see cref="Socket"/>.</summary>
public enum SocketProtocol
{
    /// <summary>TCP (IPPROTO_TCP): connect-time translation, random backend selection.</summary>
    Tcp = 6,

    /// <summary>UDP (IPPROTO_UDP): per-message translation, backend selected by socket cookie, reverse NAT.</summary>
    Udp = 17,
}
