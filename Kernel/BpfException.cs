namespace PerfKit.Kernel;

/// <summary>A bpf(2) command or a neighbouring system call failed; the message names the call and the errno.</summary>
public sealed class BpfException : Exception
{
    /// <summary>Creates the exception for a failed call.</summary>
    /// <param name="operation">What was attempted, e.g. <c>BPF_MAP_CREATE (LRU_HASH, 8/8 bytes, 1000 entries)</c>.</param>
    /// <param name="errno">The errno the call returned.</param>
    /// <param name="verifierLog">The verifier's log for a refused program load, if one was collected.</param>
    public BpfException(string operation, Errno errno, string? verifierLog = null)
        : base(Format(operation, errno, verifierLog))
    {
        Operation = operation;
        Errno = errno;
        VerifierLog = verifierLog;
    }

    /// <summary>Creates an exception with a message only (no errno).</summary>
    public BpfException(string message)
        : base(message)
    {
        Operation = message;
    }

    /// <summary>Creates an exception with a message and its cause.</summary>
    public BpfException(string message, Exception innerException)
        : base(message, innerException)
    {
        Operation = message;
    }

    /// <summary>Creates an exception with no details.</summary>
    public BpfException()
        : this("a bpf(2) call failed")
    {
    }

    /// <summary>The call that failed.</summary>
    public string Operation { get; }

    /// <summary>The errno it returned (<see cref="Errno.None"/> when the failure was not a system call's).</summary>
    public Errno Errno { get; }

    /// <summary>The C name of <see cref="Errno"/>.</summary>
    public string ErrnoName => ErrnoNames.NameOf(Errno);

    /// <summary>The verifier's explanation when a program load was refused; null otherwise.</summary>
    public string? VerifierLog { get; }

    private static string Format(string operation, Errno errno, string? verifierLog) =>
        verifierLog is { Length: > 0 }
            ? $"{operation} failed: {ErrnoNames.NameOf(errno)}. Verifier log:{Environment.NewLine}{verifierLog.TrimEnd()}"
            : $"{operation} failed: {ErrnoNames.NameOf(errno)}";
}
