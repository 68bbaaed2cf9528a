using System.Diagnostics;
using System.Globalization;
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
    private const string Usage = "kernel-check [--sequences N (1-1000000, default 1000)] [--max-steps N (1-10000, default 200)] [--map lru-common|lru-percpu|hash|all] [--probe]";

    /// <summary>Runs the command; returns the exit code.</summary>
    public static int Run(IReadOnlyList<string> args)
    {
        int sequences = 1000, maxSteps = 200;
        KernelMapKind[] kinds = Enum.GetValues<KernelMapKind>();
        bool probeOnly = args.Contains("--probe");
        if (!BenchCommandLine.TryReadOptions([.. args.Where(a => a != "--probe")], 0, new Dictionary<string, Func<string, bool>>(StringComparer.Ordinal)
            {
                ["--sequences"] = v => int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out sequences) && sequences is >= 1 and <= 1_000_000,
                ["--max-steps"] = v => int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out maxSteps) && maxSteps is >= 1 and <= 10_000,
                ["--map"] = v => (kinds = ParseKinds(v)).Length > 0,
            }, Usage))
        {
            return 2;
        }

        if (!KernelGate.Open())
        {
            return KernelGate.NotRunnable;
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
            var progress = new ProgressLine($"{kind,-10}", sequences);
            ConformanceVerdict verdict = KernelConformance.Check(kind, sequences, policy ?? FreeTargetPolicy.Adaptive, maxSteps, progress.Report);
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
        _ => [],
    };

    /// <summary>Progress on one line: redrawn in a terminal, every tenth otherwise (CI logs).</summary>
    private sealed class ProgressLine(string label, int total)
    {
        private readonly bool _redraw = !Console.IsOutputRedirected;
        private int _lastTenth = -1;

        public void Report(int done)
        {
            if (done < 0)
            {
                Write($"{label} shrinking a divergent sequence: {-done} shrinks");
                return;
            }

            int tenth = done * 10 / total;
            if (_redraw || tenth != _lastTenth)
            {
                _lastTenth = tenth;
                Write(string.Create(CultureInfo.InvariantCulture, $"{label} {done:N0}/{total:N0} sequences"));
            }
        }

        public void Done()
        {
            if (_redraw)
            {
                Console.Write("\r\x1b[K");
            }
        }

        private void Write(string text)
        {
            if (_redraw)
            {
                Console.Write($"\r\x1b[K{text}");
            }
            else
            {
                Console.WriteLine(text);
            }
        }
    }
}
