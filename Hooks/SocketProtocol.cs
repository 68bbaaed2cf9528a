namespace PerfKit.Hooks;

/// <summary>The transport protocol of a <see cref="Socket"/>.</summary>
public enum SocketProtocol
{
    /// <summary>TCP (IPPROTO_TCP): connect-time translation, random backend selection.</summary>
    Tcp = 6,

    /// <summary>UDP (IPPROTO_UDP): per-message translation, backend selected by socket cookie, reverse NAT.</summary>
    Udp = 17,

    /// <summary>SCTP (IPPROTO_SCTP): the hooks do not translate it (Cilium's socket LB handles TCP, UDP and UDPLite only).</summary>
    Sctp = 132,

    /// <summary>UDP-Lite (IPPROTO_UDPLITE): handled as UDP by the hooks (Cilium's <c>sock_proto_enabled</c> accepts it with UDP).</summary>
    UdpLite = 136,
}
