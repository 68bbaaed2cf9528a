using System.Globalization;

namespace PerfKit.Conformance;

/// <summary>A map configuration and the operations to run on it, in the kernel and in PerfKit.</summary>
/// <param name="Kind">Which map.</param>
/// <param name="MaxEntries">max_entries.</param>
/// <param name="KeySpace">Keys are drawn from 0 to KeySpace − 1.</param>
/// <param name="Operations">The steps.</param>
public sealed record ConformanceCase(KernelMapKind Kind, int MaxEntries, ulong KeySpace, IReadOnlyList<MapOperation> Operations)
{
    /// <summary>The case in one paragraph: the configuration, then the numbered steps.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Kind}, max_entries {MaxEntries}, keys 0..{KeySpace - 1}, {Operations.Count} steps: ")
        + string.Join("; ", Operations.Select((op, i) => string.Create(CultureInfo.InvariantCulture, $"{i}: {op}")));
}

/// <summary>Where the kernel and PerfKit first disagreed.</summary>
/// <param name="Step">The step's index.</param>
/// <param name="Operation">The step.</param>
/// <param name="What">What was compared (a result, a value, the key set after the step).</param>
/// <param name="Kernel">The kernel's answer.</param>
/// <param name="PerfKit">PerfKit's answer.</param>
public sealed record Divergence(int Step, MapOperation Operation, string What, string Kernel, string PerfKit)
{
    /// <summary>One line: the step, what differs, both answers.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"first divergence at step {Step} ({Operation}), {What}: kernel {Kernel}, PerfKit {PerfKit}");
}
