using System.Runtime.InteropServices;

namespace PerfKit.Kernel.Interop;

/// <summary>The libc entry points PerfKit.Kernel calls. Every one sets errno on failure (read with <see cref="Marshal.GetLastPInvokeError"/>).</summary>
internal static unsafe partial class LibC
{
    private const string Library = "libc";

    /// <summary><c>long syscall(long number, ...)</c>; variadic in C, but glibc's x86-64 and arm64 implementations only move integer registers, so a fixed signature is safe.</summary>
    [LibraryImport(Library, EntryPoint = "syscall", SetLastError = true)]
    internal static partial long Syscall(long number, long arg1, void* arg2, long arg3);

    [LibraryImport(Library, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Open(string path, int flags);

    /// <summary>O_RDONLY | O_CLOEXEC (the same values on x86-64 and arm64): enough to hold a cgroup directory open for BPF_PROG_ATTACH.</summary>
    internal const int OpenReadOnlyCloseOnExec = 0x80000;

    [LibraryImport(Library, EntryPoint = "close", SetLastError = true)]
    internal static partial int Close(int fd);

    [LibraryImport(Library, EntryPoint = "getsockopt", SetLastError = true)]
    internal static partial int GetSockOpt(nint fd, int level, int name, void* value, uint* length);

    [LibraryImport(Library, EntryPoint = "sched_setaffinity", SetLastError = true)]
    internal static partial int SchedSetAffinity(int pid, nuint size, void* mask);

    [LibraryImport(Library, EntryPoint = "sched_getaffinity", SetLastError = true)]
    internal static partial int SchedGetAffinity(int pid, nuint size, void* mask);

    [LibraryImport(Library, EntryPoint = "sched_getcpu", SetLastError = true)]
    internal static partial int SchedGetCpu();

    [LibraryImport(Library, EntryPoint = "unshare", SetLastError = true)]
    internal static partial int Unshare(int flags);

    internal const int CloneNewNet = 0x40000000;
    internal const int SolSocket = 1;
    internal const int SoCookie = 57;
    internal const int SoNetnsCookie = 71;

    /// <summary>The errno of the last call above on this thread.</summary>
    internal static Errno LastErrno => (Errno)Marshal.GetLastPInvokeError();
}
