using System.Globalization;
using PerfKit.Bench.Results;
using PerfKit.Maps;

namespace PerfKit.Bench.Maps;

/// <summary>
/// The default run's first-eviction step: a 1,000-entry common LRU on 2 simulated CPUs, filled with inserts spread
/// over both, at what fill the first eviction comes with <see cref="LruHashMapOptions.StealBeforeShrink"/> and in the
/// kernel's order. Deterministic (CPUs pinned); writes first-eviction.csv.
/// </summary>
public static class FirstEvictionStep
{
    /// <summary>The entries of the map measured.</summary>
    public const int Capacity = 1000;

    private const string CsvHeader = "capacity,steal_before_shrink_fill,kernel_order_fill";

    /// <summary>The two fills, as fractions of the capacity.</summary>
    public sealed record Result(double StealBeforeShrink, double KernelOrder);

    /// <summary>Measures both orders and writes first-eviction.csv into <paramref name="output"/>; returns the exit code.</summary>
    public static int Run(string output)
    {
        var result = new Result(
            Reliability.FirstEviction.FillAt(Capacity, FreeTargetPolicy.Adaptive, stealBeforeShrink: true),
            Reliability.FirstEviction.FillAt(Capacity, FreeTargetPolicy.Adaptive, stealBeforeShrink: false));
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, "first-eviction.csv"),
            CsvHeader + "\n" + string.Create(CultureInfo.InvariantCulture, $"{Capacity},{result.StealBeforeShrink:F4},{result.KernelOrder:F4}\n"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"first eviction at {result.StealBeforeShrink:P1} fill with StealBeforeShrink, {result.KernelOrder:P1} in the kernel's order"));
        return 0;
    }

    /// <summary>Reads what <see cref="Run"/> wrote to <paramref name="csv"/>, or null if there is no such file.</summary>
    /// <exception cref="InvalidDataException">The file is not this step's table.</exception>
    public static Result? Read(string csv)
    {
        if (StepTable.ReadRow(csv, CsvHeader) is not { } f)
        {
            return null;
        }

        return double.TryParse(f[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double steal)
            && double.TryParse(f[2], NumberStyles.Float, CultureInfo.InvariantCulture, out double kernel)
            ? new Result(steal, kernel)
            : throw new InvalidDataException($"{csv} is not a first-eviction table: '{string.Join(',', f)}' is not two fractions.");
    }
}
