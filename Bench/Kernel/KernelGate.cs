using PerfKit.Kernel;

namespace PerfKit.Bench.Kernel;

/// <summary>How the kernel commands start: the probe's verdict, printed either way.</summary>
public static class KernelGate
{
    /// <summary>Exit code of a command that cannot run here.</summary>
    public const int NotRunnable = 2;

    /// <summary>Prints what the kernel offers, or "not run: reason"; returns whether the command can go on.</summary>
    public static bool Open()
    {
        KernelAvailability availability = KernelAvailability.Current;
        Console.WriteLine(availability.IsAvailable ? $"kernel: {availability.Reason}" : $"not run: {availability.Reason}");
        return availability.IsAvailable;
    }
}
