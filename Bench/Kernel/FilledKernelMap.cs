using PerfKit.Conformance;
using PerfKit.Kernel;

namespace PerfKit.Bench.Kernel;

/// <summary>The kernel map a baseline measures, filled before it starts.</summary>
public static class FilledKernelMap
{
    /// <summary>
    /// Creates the kernel map of <paramref name="kind"/> and inserts <paramref name="keys"/> (value = key) from CPU 0,
    /// so that the per-CPU flavor's entries sit on CPU 0's lists, as PerfKit's are filled under <c>Cpu.Pin(0)</c>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The map did not keep every key (an LRU evicts rather than refuse: it was too small).</exception>
    public static BpfMap Create(KernelMapKind kind, int capacity, IReadOnlyList<ulong> keys, string name)
    {
        ArgumentNullException.ThrowIfNull(keys);
        BpfMap map = kind.CreateKernelMap(capacity, name);
        using (CpuAffinity.Pin(0))
        {
            foreach (ulong key in keys)
            {
                if (map.Update(key, key) != Errno.None)
                {
                    map.Dispose();
                    throw new InvalidOperationException($"the kernel's {kind} map refused key {key} while being filled");
                }
            }
        }

        int kept = keys.Count == 0 ? 0 : map.Keys<ulong>().Count;
        if (kept != keys.Count)
        {
            map.Dispose();
            throw new InvalidOperationException($"the kernel's {kind} map of {capacity} kept {kept} of the {keys.Count} keys it was filled with");
        }

        return map;
    }
}
