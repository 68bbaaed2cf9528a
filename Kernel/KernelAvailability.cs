using System.Runtime.InteropServices;
using PerfKit.Kernel.Interop;

namespace PerfKit.Kernel;

/// <summary>
/// Whether the running kernel can serve as PerfKit's oracle and baseline: bpf(2) reachable, LRU and hash maps
/// creatable, an XDP program loadable and runnable with BPF_PROG_TEST_RUN. When it cannot, <see cref="Reason"/>
/// says why, so that a test or command reports "not run: reason" instead of passing silently.
/// </summary>
/// <param name="IsAvailable">Whether everything above works.</param>
/// <param name="Reason">Why not, or a one-line description of what works.</param>
public sealed record KernelAvailability(bool IsAvailable, string Reason)
{
    private static readonly Lazy<KernelAvailability> s_current = new(Probe);

    /// <summary>The probe's result for this process (probed once).</summary>
    public static KernelAvailability Current => s_current.Value;

    /// <summary>Probes the kernel now.</summary>
    public static KernelAvailability Probe()
    {
        if (!OperatingSystem.IsLinux())
        {
            return No($"not Linux ({RuntimeInformation.OSDescription}): bpf(2) is a Linux system call");
        }

        if (BpfSyscall.Number == 0)
        {
            return No($"no bpf(2) system call number known for {RuntimeInformation.ProcessArchitecture}");
        }

        IReadOnlyList<int> possible;
        try
        {
            possible = KernelCpus.Possible;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return No($"cannot read the possible CPUs: {e.Message}");
        }

        if (possible[^1] != possible.Count - 1)
        {
            return No($"the possible CPUs ({string.Join(',', possible)}) are not numbered 0..n-1, which PerfKit's CPU indexes assume");
        }

        try
        {
            using var lru = BpfMap.Create(BpfMapType.LruHash, sizeof(ulong), sizeof(ulong), 4, name: "perfkit_probe");
            using var perCpu = BpfMap.Create(BpfMapType.LruHash, sizeof(ulong), sizeof(ulong), 4, BpfMapFlags.NoCommonLru, "perfkit_probe");
            using var hash = BpfMap.Create(BpfMapType.Hash, sizeof(ulong), sizeof(ulong), 4, name: "perfkit_probe");
            using var lookup = new BpfProgramLookup(lru);
            _ = lookup.TryLookup(1UL, out ulong _);
        }
        catch (BpfException e)
        {
            return No(Explain(e));
        }

        return new KernelAvailability(true,
            $"bpf(2) works: LRU and hash maps, XDP test runs ({RuntimeInformation.OSDescription.Trim()}, {possible.Count} possible CPUs)");
    }

    private static KernelAvailability No(string reason) => new(false, reason);

    private static string Explain(BpfException e) => e.Errno switch
    {
        Errno.ENOSYS => $"the kernel has no bpf(2) (ENOSYS: built without CONFIG_BPF_SYSCALL); {e.Operation}",
        Errno.EPERM => $"bpf(2) refused with EPERM: it needs root or CAP_BPF (+ CAP_NET_ADMIN for XDP); {e.Operation}",
        _ => e.Message,
    };
}
