using PerfKit.Conformance;
using PerfKit.Kernel;
using PerfKit.Maps;

namespace PerfKit.PropertyTests.Kernel;

/// <summary>
/// PerfKit's maps against the running kernel's, operation for operation: FsCheck properties over generated
/// sequences (updates with every flag, program and syscall lookups, deletes, lookup-and-deletes, dumps, fills),
/// each step pinned to a CPU in both, results, values and key sets compared after every step. A failure shows
/// the shrunk sequence and the first divergence. The same check runs at larger scale as
/// <c>dotnet run -c Release --project Bench -- kernel-check</c>.
/// </summary>
[Collection(LiveKernelTests.Name)]
public sealed class KernelConformanceTests
{
    private const int Cases = 300;

    [Theory]
    [InlineData(KernelMapKind.LruCommon)]
    [InlineData(KernelMapKind.LruPerCpu)]
    [InlineData(KernelMapKind.Hash)]
    public void Map_IsIdenticalToTheKernels(KernelMapKind kind)
    {
        LiveKernel.Require();
        ConformanceVerdict verdict = KernelConformance.Check(kind, Cases, FreeTargetPolicy.Adaptive, maxSteps: 200);
        Assert.True(verdict.Identical, verdict.Report);
        Assert.Equal(Cases, verdict.Cases);
    }

    [Fact]
    public void FreeTargetPolicy_DetectedFromBehaviour_MatchesThisKernelsVersion()
    {
        LiveKernel.Require();
        // The adaptive target arrived in 6.16; the version is only the test's expectation, never the detection's input.
        Version release = KernelRelease();
        FreeTargetPolicy expected = release >= new Version(6, 16) ? FreeTargetPolicy.Adaptive : FreeTargetPolicy.Classic;
        Assert.Equal(expected, FreeTargetDetection.Detect());
    }

    [Fact]
    public void TheWrongPolicy_IsCaught_AtTheFirstStepThatDiffers()
    {
        LiveKernel.Require();
        FreeTargetPolicy wrong = FreeTargetDetection.Detect() == FreeTargetPolicy.Adaptive ? FreeTargetPolicy.Classic : FreeTargetPolicy.Adaptive;
        Divergence? divergence = ConformanceRunner.Run(FreeTargetDetection.DiscriminatingCase(ConformanceRunner.Cpus.Count), wrong);
        Assert.NotNull(divergence);
        Assert.Contains("key set", divergence.What, StringComparison.Ordinal);
    }

    [Fact]
    public void ADivergence_IsReported_ShrunkAndWithItsFirstDifferingStep()
    {
        LiveKernel.Require();
        FreeTargetPolicy wrong = FreeTargetDetection.Detect() == FreeTargetPolicy.Adaptive ? FreeTargetPolicy.Classic : FreeTargetPolicy.Adaptive;
        ConformanceVerdict verdict = KernelConformance.Check(KernelMapKind.LruCommon, 300, wrong, maxSteps: 200);
        Assert.False(verdict.Identical, "PerfKit with the other free-target policy should diverge from the kernel");
        Assert.Contains("Shrunk", verdict.Report, StringComparison.Ordinal);
        Assert.Contains("first divergence at step", verdict.Report, StringComparison.Ordinal);
        Assert.Contains("LruCommon, max_entries", verdict.Report, StringComparison.Ordinal); // the case, as ConformanceCase prints it
    }

    [Fact]
    public void DiscriminatingCase_SeparatesThePolicies_InPerfKitAlone()
    {
        // No kernel needed: the detection is only sound if the two policies leave different maps.
        int cpus = 2;
        ConformanceCase probe = FreeTargetDetection.DiscriminatingCase(cpus);
        Assert.NotEqual(Replay(probe, cpus, FreeTargetPolicy.Adaptive), Replay(probe, cpus, FreeTargetPolicy.Classic));
    }

    [Fact]
    public void Shrinking_KeepsTheConfiguration_AndOffersSmallerCases()
    {
        var c = new ConformanceCase(KernelMapKind.LruCommon, 64, 128,
            [new MapOperation(MapOperationKind.Update, 0, 1, 2), new MapOperation(MapOperationKind.Fill, 1, 0, 0, Count: 10), new MapOperation(MapOperationKind.Dump, 0, 0)]);
        ConformanceCase[] smaller = [.. ConformanceGenerators.Shrink(c)];
        Assert.All(smaller, s => Assert.Equal(c.Kind, s.Kind));
        Assert.All(smaller, s => Assert.True(s.Operations.Count < c.Operations.Count || s.MaxEntries < c.MaxEntries
            || s.Operations.Sum(o => o.Count) < c.Operations.Sum(o => o.Count)));
        Assert.Contains(smaller, s => s.Operations.Count == 2);
        Assert.Contains(smaller, s => s.Operations.Any(o => o.Kind == MapOperationKind.Fill && o.Count == 5));
    }

    private static string Replay(ConformanceCase probe, int cpus, FreeTargetPolicy policy)
    {
        var map = new LruHashMap<ulong, ulong>(new LruHashMapOptions { MaxEntries = probe.MaxEntries, PossibleCpus = cpus, FreeTarget = policy });
        var states = new List<string>();
        foreach (MapOperation op in probe.Operations.Where(o => o.Kind == MapOperationKind.Fill))
        {
            using CpuPin pin = Cpu.Pin(op.Cpu);
            for (int i = 0; i < op.Count; i++)
            {
                map.Update((op.Key + (ulong)i) % probe.KeySpace, op.Value + (ulong)i);
            }

            states.Add(string.Join(',', map.Select(e => e.Key).Order()));
        }

        return string.Join(" | ", states);
    }

    private static Version KernelRelease()
    {
        // "6.18.44-fc-v669": the numeric prefix.
        string release = File.ReadAllText("/proc/sys/kernel/osrelease").Trim();
        string numeric = new string([.. release.TakeWhile(c => char.IsDigit(c) || c == '.')]).TrimEnd('.');
        return Version.Parse(numeric.Contains('.', StringComparison.Ordinal) ? numeric : numeric + ".0");
    }
}
