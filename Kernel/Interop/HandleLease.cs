using System.Runtime.InteropServices;

namespace PerfKit.Kernel.Interop;

/// <summary>
/// Holds a <see cref="SafeHandle"/> open for the length of a system call: a concurrent Dispose then cannot close the
/// descriptor (and the process reuse its number for another file) between reading the number and the kernel
/// resolving it. Dispose exactly once, with <c>using</c>.
/// </summary>
internal ref struct HandleLease
{
    private readonly SafeHandle _handle;
    private bool _added;

    /// <exception cref="ObjectDisposedException">The handle is already closed.</exception>
    public HandleLease(SafeHandle handle)
    {
        _handle = handle;
        _added = false;
        handle.DangerousAddRef(ref _added);
    }

    /// <summary>The descriptor number, valid until the lease is disposed.</summary>
    public readonly nint Value => _handle.DangerousGetHandle();

    /// <summary>Releases the hold.</summary>
    public void Dispose()
    {
        if (_added)
        {
            _added = false;
            _handle.DangerousRelease();
        }
    }
}
