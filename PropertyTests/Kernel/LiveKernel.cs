using PerfKit.Kernel;

namespace PerfKit.PropertyTests.Kernel;

/// <summary>
/// The gate of every test that needs the running kernel. Where bpf(2) is not usable the test is reported as
/// skipped with "not run: reason" (never as passed); .ci/run fails when such a test was skipped on a machine
/// where the probe says bpf(2) works.
/// </summary>
internal static class LiveKernel
{
    /// <summary>Skips the calling test, with the probe's reason, unless the kernel is usable.</summary>
    public static void Require()
    {
        KernelAvailability availability = KernelAvailability.Current;
        if (!availability.IsAvailable)
        {
            Assert.Skip($"not run: {availability.Reason}");
        }
    }
}

/// <summary>
/// The tests that use the running kernel run alone: they pin threads to CPUs, count the process's open
/// descriptors, and compare the kernel's per-CPU lists with PerfKit's, none of which tolerates other tests
/// running beside them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LiveKernelTests
{
    /// <summary>The collection's name.</summary>
    public const string Name = "live kernel";
}
