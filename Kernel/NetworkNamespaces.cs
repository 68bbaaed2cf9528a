using System.Runtime.ExceptionServices;
using PerfKit.Kernel.Interop;

namespace PerfKit.Kernel;

/// <summary>Runs code in a new network namespace of its own (root or CAP_SYS_ADMIN).</summary>
public static class NetworkNamespaces
{
    /// <summary>
    /// Runs <paramref name="body"/> on a dedicated thread that first moves into a new network namespace with
    /// <c>unshare(CLONE_NEWNET)</c>: sockets it opens belong to that namespace. Namespaces are per thread in Linux,
    /// so the rest of the process stays where it is; the thread ends with the body, and the namespace with its
    /// last socket.
    /// </summary>
    /// <exception cref="BpfException">unshare failed (EPERM without CAP_SYS_ADMIN).</exception>
    public static T RunInNew<T>(Func<T> body) => RunInNew(body, cpu: null);

    /// <summary>As <see cref="RunInNew{T}(Func{T})"/>, with the thread pinned to <paramref name="cpu"/> before it creates the namespace (the kernel draws the namespace's id on the creating CPU).</summary>
    /// <exception cref="BpfException">unshare or sched_setaffinity failed.</exception>
    public static T RunInNew<T>(Func<T> body, int? cpu)
    {
        ArgumentNullException.ThrowIfNull(body);
        T result = default!;
        ExceptionDispatchInfo? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                if (cpu is int target)
                {
                    CpuAffinity.Set(target);
                }

                if (LibC.Unshare(LibC.CloneNewNet) < 0)
                {
                    throw new BpfException("unshare(CLONE_NEWNET)", LibC.LastErrno);
                }

                result = body();
            }
#pragma warning disable CA1031 // rethrown on the calling thread below
            catch (Exception e)
#pragma warning restore CA1031
            {
                failure = ExceptionDispatchInfo.Capture(e);
            }
        })
        { IsBackground = true, Name = "perfkit-netns" };
        thread.Start();
        thread.Join();
        failure?.Throw();
        return result;
    }
}
