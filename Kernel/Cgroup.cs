using PerfKit.Kernel.Interop;

namespace PerfKit.Kernel;

/// <summary>
/// A cgroup v2 made for a test or a tool, with this process moved into it: the hooks attached to it see this process's
/// sockets, and nobody else's. Disposing moves the process back to the cgroup it came from, detaches every program
/// attached through <see cref="Attach"/>, and removes the cgroup, even after a failure.
/// </summary>
public sealed class Cgroup : IDisposable
{
    private readonly string _original;
    private readonly KernelFileDescriptor _fd;
    private readonly List<(BpfProgram Program, BpfAttachType Type)> _attached = [];
    private bool _disposed;

    private Cgroup(string path, string original, KernelFileDescriptor fd)
    {
        Path = path;
        _original = original;
        _fd = fd;
    }

    /// <summary>The cgroup's folder.</summary>
    public string Path { get; }

    /// <summary>Where cgroup v2 is mounted (from /proc/mounts), or null where it is not.</summary>
    public static string? MountPoint { get; } = FindMountPoint();

    /// <summary>Creates the cgroup <paramref name="name"/> under the cgroup v2 mount and moves this process into it.</summary>
    /// <exception cref="InvalidOperationException">cgroup v2 is not mounted, or the cgroup exists.</exception>
    /// <exception cref="IOException">The cgroup could not be made or entered (not root, say).</exception>
    /// <exception cref="BpfException">Its folder could not be opened.</exception>
    public static Cgroup CreateAndEnter(string name)
    {
        string mount = MountPoint ?? throw new InvalidOperationException("cgroup v2 is not mounted (no cgroup2 line in /proc/mounts).");
        string path = System.IO.Path.Combine(mount, name);
        if (Directory.Exists(path))
        {
            throw new InvalidOperationException($"{path} already exists.");
        }

        string original = System.IO.Path.Combine(mount, CurrentCgroup().TrimStart('/'));
        Directory.CreateDirectory(path);
        bool moved = false;
        try
        {
            MoveThisProcessTo(path);
            moved = true;
            int fd = LibC.Open(path, LibC.OpenReadOnlyCloseOnExec);
            return fd >= 0 ? new Cgroup(path, original, new KernelFileDescriptor(fd)) : throw new BpfException($"open({path})", LibC.LastErrno);
        }
        catch
        {
            // Undo what was done, whatever fails in undoing it: the original failure is the one to report.
            var ignored = new List<Exception>();
            if (moved)
            {
                Try(() => MoveThisProcessTo(original), ignored);
            }

            Try(() => Directory.Delete(path), ignored);
            throw;
        }
    }

    /// <summary>
    /// Attaches <paramref name="program"/> to this cgroup's <paramref name="type"/> hook (BPF_PROG_ATTACH, allowing
    /// others beside it); detached on dispose, which holds the program's descriptor open until then.
    /// </summary>
    /// <exception cref="BpfException">The kernel refused.</exception>
    public void Attach(BpfProgram program, BpfAttachType type)
    {
        ArgumentNullException.ThrowIfNull(program);
        ObjectDisposedException.ThrowIf(_disposed, this);
        bool held = false;
        program.Handle.DangerousAddRef(ref held); // released after the detach, so disposing the program first cannot leak the attachment
        try
        {
            Invoke(BpfSyscall.ProgAttach, program, type, "BPF_PROG_ATTACH");
        }
        catch
        {
            program.Handle.DangerousRelease();
            throw;
        }

        _attached.Add((program, type));
    }

    /// <summary>
    /// Detaches what was attached, moves this process back where it was, and removes the cgroup: every step is tried
    /// even if one before it failed (removing the cgroup also drops what could not be detached); then the failures
    /// are thrown together as an <see cref="AggregateException"/>.
    /// </summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        var failures = new List<Exception>();
        foreach ((BpfProgram program, BpfAttachType type) in _attached)
        {
            Try(() => Invoke(BpfSyscall.ProgDetach, program, type, "BPF_PROG_DETACH"), failures);
            program.Handle.DangerousRelease();
        }

        _attached.Clear();
        _fd.Dispose();
        Try(() => MoveThisProcessTo(_original), failures);
        Try(() => Directory.Delete(Path), failures);
        if (failures.Count > 0)
        {
            throw new AggregateException($"Cleaning up cgroup {Path} failed.", failures);
        }
    }

    private static void Try(Action step, List<Exception> failures)
    {
        try
        {
            step();
        }
#pragma warning disable CA1031 // every failure is collected and reported by the caller; none may stop the cleanup
        catch (Exception e)
#pragma warning restore CA1031
        {
            failures.Add(e);
        }
    }

    private static void MoveThisProcessTo(string cgroup) =>
        File.WriteAllText(System.IO.Path.Combine(cgroup, "cgroup.procs"), Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private void Invoke(int command, BpfProgram program, BpfAttachType type, string what)
    {
        using var cgroup = new HandleLease(_fd);
        using var prog = new HandleLease(program.Handle);
        var attr = new BpfSyscall.ProgAttachAttr
        {
            TargetFd = (uint)cgroup.Value,
            AttachBpfFd = (uint)prog.Value,
            AttachType = (uint)type,
            AttachFlags = command == BpfSyscall.ProgAttach ? 2u : 0u, // BPF_F_ALLOW_MULTI: beside whatever else is attached
        };
        if (BpfSyscall.Invoke(command, ref attr, out Errno errno) < 0)
        {
            throw new BpfException($"{what} ({type})", errno);
        }
    }

    // "0::/path" in /proc/self/cgroup: this process's cgroup v2.
    private static string CurrentCgroup() =>
        File.ReadLines("/proc/self/cgroup").FirstOrDefault(l => l.StartsWith("0::", StringComparison.Ordinal))?[3..] ?? "/";

    private static string? FindMountPoint()
    {
        if (!File.Exists("/proc/mounts"))
        {
            return null;
        }

        return File.ReadLines("/proc/mounts").Select(l => l.Split(' ')).FirstOrDefault(f => f.Length > 2 && f[2] == "cgroup2")?[1];
    }
}
