namespace PerfKit.Kernel;

/// <summary>The cgroup hooks a <see cref="BpfProgramType.CgroupSockAddr"/> program attaches to (enum bpf_attach_type).</summary>
public enum BpfAttachType : uint
{
    /// <summary>BPF_CGROUP_INET4_CONNECT: connect() of an IPv4 socket (TCP, or UDP before routing).</summary>
    CgroupInet4Connect = 10,

    /// <summary>BPF_CGROUP_INET6_CONNECT.</summary>
    CgroupInet6Connect = 11,

    /// <summary>BPF_CGROUP_UDP4_SENDMSG: sendmsg() of an unconnected IPv4 UDP socket.</summary>
    CgroupUdp4Sendmsg = 14,
}
