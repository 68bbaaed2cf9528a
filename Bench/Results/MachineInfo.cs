using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace PerfKit.Bench.Results;

/// <summary>The machine a run measured: what a reader needs to know before comparing two runs' figures.</summary>
/// <param name="CpuModel">The processor's model name (from /proc/cpuinfo where there is one).</param>
/// <param name="LogicalCores">Logical cores the process could use.</param>
/// <param name="Os">The operating system's description.</param>
/// <param name="Runtime">The .NET runtime's description.</param>
public sealed record MachineInfo(string CpuModel, int LogicalCores, string Os, string Runtime)
{
    /// <summary>This machine.</summary>
    public static MachineInfo Current { get; } = new(ReadCpuModel(), Environment.ProcessorCount, RuntimeInformation.OSDescription, RuntimeInformation.FrameworkDescription);

    /// <summary>
    /// The machine's kind, as a folder name: the CPU model and the core count (<c>amd-epyc-7763-64-core-processor-2-cores</c>).
    /// Runs of one kind are comparable with each other; runs of two kinds are never put in one table.
    /// </summary>
    public string Kind
    {
        get
        {
            var slug = new StringBuilder();
            foreach (char c in CpuModel.ToLowerInvariant())
            {
                if (char.IsAsciiLetterOrDigit(c))
                {
                    slug.Append(c);
                }
                else if (slug.Length > 0 && slug[^1] != '-')
                {
                    slug.Append('-');
                }
            }

            return string.Create(CultureInfo.InvariantCulture, $"{slug.ToString().Trim('-')}-{LogicalCores}-cores");
        }
    }

    /// <summary>One line for a caption or a table heading.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{CpuModel}, {LogicalCores} logical cores, {Os}, {Runtime}");

    private static string ReadCpuModel()
    {
        const string CpuInfo = "/proc/cpuinfo";
        if (File.Exists(CpuInfo))
        {
            foreach (string line in File.ReadLines(CpuInfo))
            {
                if (line.StartsWith("model name", StringComparison.Ordinal) && line.IndexOf(':', StringComparison.Ordinal) is int colon and > 0)
                {
                    return line[(colon + 1)..].Trim();
                }
            }
        }

        return $"unknown {RuntimeInformation.ProcessArchitecture} processor";
    }
}
