using System.Diagnostics;
using System.Globalization;
using System.CommandLine;
using PerfKit.Bench.Cli;
using PerfKit.Bench.Infrastructure;
using PerfKit.Conformance;
using PerfKit.Kernel;
using PerfKit.Maps;

namespace PerfKit.Bench.Kernel;

/// <summary>
/// <c>kernel-check [--sequences N] [--max-steps N] [--map lru-common|lru-percpu|hash|all] [--probe]</c>: PerfKit's
/// maps against the running kernel's, operation for operation (<see cref="KernelConformance"/>), after detecting
/// which free-target policy the kernel follows. Prints a verdict per map kind. Exit 0: identical; 1: divergent
/// (the shrunk case and the first divergence are printed); 2: not runnable here (the reason is printed).
/// </summary>
public static class KernelCheckCommand
{
    /// <summary>The <c>kernel-check</c> command.</summary>
    public static Command Create()
    {
        Option<int> sequences = CliOptions.Whole("--sequences", "random operation sequences per map kind", 1000, 1, 1_000_000);
        Option<int> maxSteps = CliOptions.Whole("--max-steps", "operations per sequence at most", 200, 1, 10_000);
        var map = new Option<string>("--map") { Description = "which map kinds to check", DefaultValueFactory = _ => "all", HelpName = "KIND" };
        map.AcceptOnlyFromAmong("lru-common", "lru-percpu", "hash", "all");
        var probe = new Option<bool>("--probe") { Description = "only say whether the kernel can be driven here (exit 0) or why not (exit 2)" };
        var command = new Command("kernel-check",
            "PerfKit's maps against the running kernel's, operation for operation (exit 0 identical, 1 divergent with the shrunk case, 2 not runnable here)")
        {
            sequences, maxSteps, map, probe,
        };
        command.SetAction(parsed => Run(parsed.GetValue(sequences), parsed.GetValue(maxSteps), ParseKinds(parsed.GetValue(map)!), parsed.GetValue(probe)));
        return command;
    }

    /// <summary>Checks <paramref name="kinds"/> with <paramref name="sequences"/> sequences of at most <paramref name="maxSteps"/> steps; returns the exit code.</summary>
    public static int Run(int sequences, int maxSteps, KernelMapKind[] kinds, bool probeOnly)
    {
        if (!KernelGate.Open())
        {
            return KernelGate.NotRunnable;
        }

        if (!probeOnly)
        {
            WorkloadBanner.Print($"kernel-check: {sequences:N0} sequences per map kind");
        }

        Console.WriteLine($"CPUs the sequences run on: {string.Join(", ", ConformanceRunner.Cpus)} (PerfKit's maps: PossibleCpus = {KernelCpus.PossibleCount})");
        if (probeOnly)
        {
            return 0;
        }

        FreeTargetPolicy? policy = FreeTargetDetection.Detect();
        Console.WriteLine(policy is null
            ? "free target: neither policy reproduces this kernel on the probe case (see the LruCommon verdict for where it differs)"
            : $"free target: this kernel behaves as FreeTargetPolicy.{policy} (detected from its evictions, not its version)");

        bool allIdentical = true;
        foreach (KernelMapKind kind in kinds)
        {
            var clock = Stopwatch.StartNew();
            var progress = new ProgressLine($"{kind,-10}", sequences, "sequences");
            ConformanceVerdict verdict = KernelConformance.Check(kind, sequences, policy ?? FreeTargetPolicy.Adaptive, maxSteps,
                done => { if (done < 0) { progress.Write($"{kind,-10} shrinking a divergent sequence: {-done} shrinks"); } else { progress.Report(done); } });
            progress.Done();
            allIdentical &= verdict.Identical;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{kind,-10} {(verdict.Identical ? "identical" : "DIVERGENT")}: {verdict.Cases:N0} sequences, {verdict.Steps:N0} steps, {verdict.CasesThatEvicted:N0} sequences evicted; kernel results {verdict.KernelResults} ({clock.Elapsed.TotalSeconds:F1} s)"));
            if (!verdict.Identical)
            {
                Console.WriteLine(verdict.Report);
            }
        }

        Console.WriteLine(allIdentical ? "verdict: identical to the running kernel" : "verdict: divergent");
        return allIdentical ? 0 : 1;
    }

    private static KernelMapKind[] ParseKinds(string value) => value switch
    {
        "lru-common" => [KernelMapKind.LruCommon],
        "lru-percpu" => [KernelMapKind.LruPerCpu],
        "hash" => [KernelMapKind.Hash],
        "all" => Enum.GetValues<KernelMapKind>(),
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, "not a map kind"),
    };
}
