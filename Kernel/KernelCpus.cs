using System.Globalization;

namespace PerfKit.Kernel;

/// <summary>The machine's CPUs as the kernel numbers them, from sysfs.</summary>
public static class KernelCpus
{
    private const string PossiblePath = "/sys/devices/system/cpu/possible";
    private const string OnlinePath = "/sys/devices/system/cpu/online";

    private static readonly Lazy<IReadOnlyList<int>> s_possible = new(() => ReadList(PossiblePath));
    private static readonly Lazy<IReadOnlyList<int>> s_online = new(() => ReadList(OnlinePath));

    /// <summary>The possible CPUs (<c>/sys/devices/system/cpu/possible</c>): the CPUs a BPF map keeps per-CPU state for.</summary>
    /// <exception cref="IOException">The file is missing or unreadable (not Linux, or no sysfs).</exception>
    public static IReadOnlyList<int> Possible => s_possible.Value;

    /// <summary>The online CPUs, the ones a thread can be pinned to.</summary>
    /// <exception cref="IOException">The file is missing or unreadable.</exception>
    public static IReadOnlyList<int> Online => s_online.Value;

    /// <summary>How many CPUs are possible: the kernel's <c>num_possible_cpus()</c>, the count PerfKit's maps take as <c>PossibleCpus</c>.</summary>
    public static int PossibleCount => Possible.Count;

    /// <summary>Parses a kernel CPU list such as <c>0-3,8,10-11</c>.</summary>
    /// <exception cref="FormatException">The text is not a CPU list.</exception>
    public static IReadOnlyList<int> ParseList(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var cpus = new SortedSet<int>();
        foreach (string part in text.Trim().Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] range = part.Split('-');
            if (range.Length is < 1 or > 2
                || !int.TryParse(range[0], NumberStyles.None, CultureInfo.InvariantCulture, out int first)
                || !int.TryParse(range[^1], NumberStyles.None, CultureInfo.InvariantCulture, out int last)
                || last < first)
            {
                throw new FormatException($"'{text.Trim()}' is not a CPU list (expected e.g. 0-3,8)");
            }

            for (int cpu = first; cpu <= last; cpu++)
            {
                cpus.Add(cpu);
            }
        }

        if (cpus.Count == 0)
        {
            throw new FormatException("an empty CPU list");
        }

        return [.. cpus];
    }

    private static IReadOnlyList<int> ReadList(string path) => ParseList(File.ReadAllText(path));
}
