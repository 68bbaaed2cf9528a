namespace PerfKit.Kernel;

/// <summary>The Linux errno values the bpf(2) commands and their neighbours return, by their C names.</summary>
/// <remarks>An errno without a name here still round-trips: <see cref="ErrnoNames.NameOf"/> prints it as <c>errno N</c>.</remarks>
public enum Errno
{
    /// <summary>Success.</summary>
    None = 0,

    /// <summary>Operation not permitted (no CAP_BPF / CAP_SYS_ADMIN, or a sysctl forbids it).</summary>
    EPERM = 1,

    /// <summary>No such entry: a lookup or delete miss, or <c>BPF_EXIST</c> on a missing key.</summary>
    ENOENT = 2,

    /// <summary>No such process.</summary>
    ESRCH = 3,

    /// <summary>Interrupted system call.</summary>
    EINTR = 4,

    /// <summary>Input/output error.</summary>
    EIO = 5,

    /// <summary>Too big: a full preallocated hash map refused a new key.</summary>
    E2BIG = 7,

    /// <summary>Bad file descriptor.</summary>
    EBADF = 9,

    /// <summary>Try again.</summary>
    EAGAIN = 11,

    /// <summary>Out of memory; from an LRU map, no node could be freed.</summary>
    ENOMEM = 12,

    /// <summary>Permission denied (the verifier refused a program, or a capability is missing).</summary>
    EACCES = 13,

    /// <summary>Bad address.</summary>
    EFAULT = 14,

    /// <summary>Resource busy.</summary>
    EBUSY = 16,

    /// <summary>Exists: <c>BPF_NOEXIST</c> on a present key.</summary>
    EEXIST = 17,

    /// <summary>No such device.</summary>
    ENODEV = 19,

    /// <summary>Invalid argument (bad flags, sizes or attribute fields).</summary>
    EINVAL = 22,

    /// <summary>No space left (a verifier log buffer too small).</summary>
    ENOSPC = 28,

    /// <summary>Result out of range.</summary>
    ERANGE = 34,

    /// <summary>No such system call (a kernel built without BPF).</summary>
    ENOSYS = 38,

    /// <summary>Operation not supported.</summary>
    EOPNOTSUPP = 95,

    /// <summary>The kernel's internal "not supported" (leaks out of some bpf(2) commands).</summary>
    ENOTSUPP = 524,
}

/// <summary>Names for <see cref="Errno"/> values.</summary>
public static class ErrnoNames
{
    /// <summary>The C name of <paramref name="errno"/> (<c>ENOENT</c>), or <c>errno N</c> for one without a name here.</summary>
    public static string NameOf(Errno errno) =>
        Enum.IsDefined(errno) ? errno.ToString() : $"errno {(int)errno}";
}
