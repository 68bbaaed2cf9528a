namespace PerfKit.Hooks;

/// <summary>Whether the syscall proceeds (SYS_PROCEED) or fails with <see cref="HookResult.Errno"/> (SYS_REJECT).</summary>
public enum HookVerdict : byte
{
    /// <summary>The syscall continues, to the rewritten address if the hook translated it.</summary>
    Proceed = 0,

    /// <summary>The syscall fails with the errno of <see cref="HookResult.Errno"/>.</summary>
    Reject = 1,
}

/// <summary>What the hook did, for tests, metrics and the reject errno.</summary>
public enum HookReason : byte
{
    /// <summary>Translated to a backend (connect, sendmsg).</summary>
    Translated,

    /// <summary>Translated to the backend remembered by session affinity.</summary>
    TranslatedByAffinity,

    /// <summary>No service for the address: not translated (-ENXIO inside the hook, the syscall proceeds).</summary>
    NoService,

    /// <summary>ExternalIP or non-loopback HostPort whose address is not local: not translated (-EPERM, proceeds).</summary>
    NotLocal,

    /// <summary>Not a TCP or UDP socket, or sendmsg on a TCP socket: not translated (-ENOTSUP, proceeds).</summary>
    ProtocolNotSupported,

    /// <summary>The service has no backend, or its slot or backend is gone: rejected with -EHOSTUNREACH.</summary>
    NoBackend,

    /// <summary>The reverse-NAT entry could not be written: rejected with -ENOMEM.</summary>
    ReverseNatFull,

    /// <summary>The sockaddr is malformed (an IPv4 sockaddr with an IPv6 address): rejected with -EINVAL, as the kernel would.</summary>
    InvalidAddress,

    /// <summary>recvmsg/getpeername: the source was rewritten back to the service address.</summary>
    ReverseTranslated,

    /// <summary>recvmsg/getpeername: no reverse-NAT entry for the source; unchanged.</summary>
    NoReverseEntry,

    /// <summary>recvmsg/getpeername: the entry's service is gone or changed; the entry was deleted; unchanged.</summary>
    StaleReverseEntry,
}

/// <summary>A hook's verdict and what it did.</summary>
public readonly record struct HookResult
{
    // Reason in the low byte, verdict in the high byte: one 16-bit field, so a hook returns it in a register. As two
    // byte fields the result was assembled on the stack with byte stores and read back as one wider load, a failed
    // store-to-load forward on every hook call.
    private readonly ushort _packed;

    /// <summary>Creates a result.</summary>
    /// <param name="verdict">Proceed or reject.</param>
    /// <param name="reason">What happened.</param>
    public HookResult(HookVerdict verdict, HookReason reason) => _packed = (ushort)(((int)verdict << 8) | (int)reason);

    /// <summary>Proceed or reject.</summary>
    public HookVerdict Verdict => (HookVerdict)(_packed >> 8);

    /// <summary>What happened.</summary>
    public HookReason Reason => (HookReason)(byte)_packed;

    /// <summary>The errno a rejected syscall fails with (negative, as the kernel returns it), or 0.</summary>
    public int Errno => Verdict == HookVerdict.Proceed ? 0 : Reason switch
    {
        HookReason.NoBackend => -113,        // EHOSTUNREACH
        HookReason.ReverseNatFull => -12,    // ENOMEM
        _ => -22,                            // EINVAL
    };

    /// <summary>Whether the address was rewritten.</summary>
    public bool Rewrote => Reason is HookReason.Translated or HookReason.TranslatedByAffinity or HookReason.ReverseTranslated;

    internal static HookResult Proceed(HookReason reason) => new(HookVerdict.Proceed, reason);

    internal static HookResult Reject(HookReason reason) => new(HookVerdict.Reject, reason);
}
