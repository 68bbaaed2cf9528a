using System.Diagnostics.CodeAnalysis;

namespace PerfKit.Kernel;

/// <summary>The map types PerfKit creates (<c>enum bpf_map_type</c>).</summary>
public enum BpfMapType
{
    /// <summary>BPF_MAP_TYPE_HASH: preallocated, no eviction; a new key in a full map fails with E2BIG.</summary>
    Hash = 1,

    /// <summary>BPF_MAP_TYPE_ARRAY: u32 index keys, every slot exists.</summary>
    Array = 2,

    /// <summary>BPF_MAP_TYPE_PERCPU_ARRAY: an array with a copy of every slot per possible CPU.</summary>
    PerCpuArray = 6,

    /// <summary>BPF_MAP_TYPE_LRU_HASH: the LRU hash map (with <see cref="BpfMapFlags.NoCommonLru"/>, its per-CPU-list flavor).</summary>
    LruHash = 9,
}

/// <summary>Map creation flags (<c>map_flags</c>).</summary>
[Flags]
[SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "Named after the kernel's map_flags.")]
public enum BpfMapFlags : uint
{
    /// <summary>No flags.</summary>
    None = 0,

    /// <summary>BPF_F_NO_COMMON_LRU: an LRU map keeps one LRU list per CPU instead of a common one.</summary>
    NoCommonLru = 2,
}

/// <summary>The <c>flags</c> of BPF_MAP_UPDATE_ELEM. Any other value is passed through as given and refused with EINVAL.</summary>
[SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "Named after the kernel's update flags.")]
public enum BpfUpdateFlags : ulong
{
    /// <summary>BPF_ANY: create or replace.</summary>
    Any = 0,

    /// <summary>BPF_NOEXIST: create only.</summary>
    NoExist = 1,

    /// <summary>BPF_EXIST: replace only.</summary>
    Exist = 2,
}

/// <summary>The program types PerfKit loads (<c>enum bpf_prog_type</c>).</summary>
public enum BpfProgramType
{
    /// <summary>BPF_PROG_TYPE_XDP: runnable with BPF_PROG_TEST_RUN on the calling CPU.</summary>
    Xdp = 6,

    /// <summary>BPF_PROG_TYPE_CGROUP_SOCK: e.g. the socket release hook.</summary>
    CgroupSock = 9,

    /// <summary>BPF_PROG_TYPE_CGROUP_SOCK_ADDR: the connect, sendmsg, recvmsg and getpeername hooks.</summary>
    CgroupSockAddr = 18,
}
