using System.Runtime.InteropServices;
using PerfKit.Kernel.Interop;

namespace PerfKit.Kernel;

/// <summary>A file descriptor the kernel handed out (a BPF map or program, a cgroup directory), closed exactly once.</summary>
public sealed class KernelFileDescriptor : SafeHandle
{
    /// <summary>Takes ownership of <paramref name="fd"/>.</summary>
    public KernelFileDescriptor(int fd)
        : base(invalidHandleValue: -1, ownsHandle: true) => SetHandle(fd);

    /// <summary>Creates an invalid descriptor (for marshalling).</summary>
    public KernelFileDescriptor()
        : base(invalidHandleValue: -1, ownsHandle: true)
    {
    }

    /// <inheritdoc/>
    public override bool IsInvalid => handle < 0;

    /// <summary>The descriptor number. Valid only while this handle is neither closed nor disposed.</summary>
    /// <exception cref="ObjectDisposedException">The handle was closed.</exception>
    public int Number
    {
        get
        {
            ObjectDisposedException.ThrowIf(IsClosed, this);
            return (int)handle;
        }
    }

    /// <inheritdoc/>
    protected override bool ReleaseHandle() => LibC.Close((int)handle) == 0;
}
