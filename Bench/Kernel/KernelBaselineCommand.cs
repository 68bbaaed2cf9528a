using System.Globalization;
using System.Text;
using HdrHistogram;
using System.CommandLine;
using PerfKit.Bench.Cli;
using PerfKit.Bench.Infrastructure;
using PerfKit.Bench.Results;
using PerfKit.Conformance;
using PerfKit.Kernel;
using PerfKit.Maps;
using PerfKit.Maps.Planning;

namespace PerfKit.Bench.Kernel;

/// <summary>
/// <c>kernel [--rounds N] [--out DIR]</c>: the running kernel's own speed beside PerfKit's, measured in one run.
/// The same workloads run as loops inside BPF programs (BPF_PROG_TEST_RUN) and as managed loops, over the same key
/// streams, map sizes and CPU pinning; each side's loop without the map calls is measured and subtracted; rounds
/// alternate which side goes first and the medians are reported. Then the PerfKit maps' latency distribution at 1
/// and 2 threads (HdrHistogram). Writes kernel-baseline.csv, latency.csv, README.md and a plot.
/// </summary>
public static class KernelBaselineCommand
{
    private const int LookupKeys = 65_536, LookupBatch = 1024;
    private const int ZipfKeySpace = 100_000, ZipfCapacity = ZipfKeySpace / 10, ZipfStream = 1 << 16;
    private const double PhaseNanoseconds = 30e6; // each timed phase: long enough to dwarf a test run's fixed cost

    /// <summary>One measured line: a workload on a map kind at a thread count, both sides' medians.</summary>
    public sealed record Row(string Workload, KernelMapKind Map, int Threads, double KernelNs, double PerfKitNs)
    {
        /// <summary>PerfKit's time per operation over the kernel's.</summary>
        public double TimeRatio => PerfKitNs / KernelNs;

        /// <summary>PerfKit's throughput over the kernel's.</summary>
        public double ThroughputRatio => KernelNs / PerfKitNs;
    }

    /// <summary>A PerfKit latency distribution, nanoseconds.</summary>
    public sealed record Latency(KernelMapKind Map, int Threads, long Count, double P50, double P99, double P999, double Max);

    /// <summary>The <c>kernel</c> command.</summary>
    public static Command Create()
    {
        Option<int> rounds = CliOptions.Whole("--rounds", "measured rounds, each side first in turn; medians reported", 5, 1, 99);
        Option<DirectoryInfo?> output = CliOptions.Out("kernel");
        var command = new Command("kernel", "The running kernel's own map speed beside PerfKit's, same workloads, keys, sizes and CPUs, in one run") { rounds, output };
        command.SetAction(parsed => Run(parsed.GetValue(rounds), parsed.GetValue(output)?.FullName ?? RunFolders.NewCommandRun("kernel")));
        return command;
    }

    /// <summary>Measures <paramref name="rounds"/> rounds and writes the tables and the plot into <paramref name="output"/>; returns the exit code.</summary>
    public static int Run(int rounds, string output)
    {
        if (!KernelGate.Open())
        {
            return KernelGate.NotRunnable;
        }

        IReadOnlyList<int> cpus = ConformanceRunner.Cpus;
        WorkloadBanner.Print($"kernel baseline: CPUs {string.Join(", ", cpus)}; {rounds} rounds");
        var scenarios = new List<Scenario>();
        try
        {
            foreach (KernelMapKind kind in Enum.GetValues<KernelMapKind>())
            {
                scenarios.AddRange(Scenario.LookupFamily(kind));
                scenarios.AddRange(Scenario.ZipfFamily(kind, cpus.Count));
            }

            var samples = scenarios.ToDictionary(s => s, _ => (Kernel: new List<double>(), PerfKit: new List<double>()));
            // Warm-up, twice over: the maps reach their steady state, and the slow paths the loops call (compiled in
            // tiers, unlike the loops) reach their final code before the first measured round.
            for (int pass = 0; pass < 2; pass++)
            {
                foreach (Scenario scenario in scenarios)
                {
                    scenario.Measure(cpus, kernelSide: true);
                    scenario.Measure(cpus, kernelSide: false);
                }
            }

            for (int round = 0; round < rounds; round++)
            {
                Console.WriteLine($"round {round + 1}/{rounds} ...");
                foreach (Scenario scenario in scenarios)
                {
                    bool kernelFirst = round % 2 == 0;
                    double first = scenario.Measure(cpus, kernelFirst), second = scenario.Measure(cpus, !kernelFirst);
                    samples[scenario].Kernel.Add(kernelFirst ? first : second);
                    samples[scenario].PerfKit.Add(kernelFirst ? second : first);
                }
            }

            Row[] rows = [.. scenarios.Select(s => new Row(s.Workload, s.Map, s.Threads, Median(samples[s].Kernel), Median(samples[s].PerfKit)))];
            Console.WriteLine("latency distributions (PerfKit, Zipf get-or-add) ...");
            Latency[] latencies = [.. scenarios.Where(s => s.Workload == Scenario.Zipf && s.Map != KernelMapKind.Hash).Select(s => s.RecordLatency(cpus))];
            string report = Report(rows, latencies, rounds, KernelAvailability.Current.Reason);
            Console.WriteLine(report);
            Directory.CreateDirectory(output);
            File.WriteAllText(Path.Combine(output, "README.md"), report);
            File.WriteAllText(Path.Combine(output, "kernel-baseline.csv"), "workload,map,threads,kernel_ns,perfkit_ns,time_ratio\n" + string.Concat(rows.Select(r =>
                string.Create(CultureInfo.InvariantCulture, $"{r.Workload},{r.Map},{r.Threads},{r.KernelNs:F2},{r.PerfKitNs:F2},{r.TimeRatio:F3}\n"))));
            File.WriteAllText(Path.Combine(output, "latency.csv"), "map,threads,count,p50_ns,p99_ns,p999_ns,max_ns\n" + string.Concat(latencies.Select(l =>
                string.Create(CultureInfo.InvariantCulture, $"{l.Map},{l.Threads},{l.Count},{l.P50:F0},{l.P99:F0},{l.P999:F0},{l.Max:F0}\n"))));
            KernelBaselinePlot.Save(rows, Path.Combine(output, "kernel-baseline.png"), PlotLook.Caption("kernel", MachineInfo.Current.ToString(), DateTime.UtcNow));
            Console.WriteLine($"Results: {output}");
            return 0;
        }
        finally
        {
            foreach (Scenario scenario in scenarios.DistinctBy(s => s.Pair))
            {
                scenario.Pair.Dispose();
            }
        }
    }

    /// <summary>The report: the table, the goals with pass/short, the latency distributions.</summary>
    public static string Report(IReadOnlyList<Row> rows, IReadOnlyList<Latency> latencies, int rounds, string kernel)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(latencies);
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"# PerfKit beside the running kernel ({rounds} rounds, medians)");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"{kernel}. Each side's loop without the map calls is measured and subtracted; ns/op is wall time per operation of all threads together.");
        text.AppendLine();
        text.AppendLine("| workload | map | threads | kernel ns/op | PerfKit ns/op | PerfKit ÷ kernel (time) |");
        text.AppendLine("|---|---|---|---|---|---|");
        foreach (Row r in rows)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {r.Workload} | {r.Map} | {r.Threads} | {r.KernelNs:F1} | {r.PerfKitNs:F1} | {r.TimeRatio:F2}× |");
        }

        text.AppendLine();
        text.AppendLine("| goal (ratios in this run) | measured | | same run |");
        text.AppendLine("|---|---|---|---|");
        foreach ((string goal, double measured, bool pass, string format, string context) in Goals(rows))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {goal} | {measured.ToString(format, CultureInfo.InvariantCulture)} | {(pass ? "**pass**" : "short")} | {context} |");
        }

        text.AppendLine();
        text.AppendLine("PerfKit's Zipf get-or-add latency (HdrHistogram, ns, the clock read included):");
        text.AppendLine();
        text.AppendLine("| map | threads | operations | p50 | p99 | p99.9 | max |");
        text.AppendLine("|---|---|---|---|---|---|---|");
        foreach (Latency l in latencies)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {l.Map} | {l.Threads} | {l.Count:N0} | {l.P50:F0} | {l.P99:F0} | {l.P999:F0} | {l.Max:F0} |");
        }

        return text.ToString();
    }

    /// <summary>Issue goals evaluated on one run's rows.</summary>
    public static IEnumerable<(string Goal, double Measured, bool Pass, string Format, string Context)> Goals(IReadOnlyList<Row> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        foreach (KernelMapKind map in new[] { KernelMapKind.LruCommon, KernelMapKind.LruPerCpu, KernelMapKind.Hash })
        {
            Row? hit = rows.FirstOrDefault(r => r.Workload == Scenario.LookupHit && r.Map == map);
            if (hit is not null)
            {
                yield return ($"{map} lookup hit ≤ 0.3× the kernel's time", hit.TimeRatio, hit.TimeRatio <= 0.3, "0.00×", "");
            }
        }

        foreach (KernelMapKind map in new[] { KernelMapKind.LruCommon, KernelMapKind.LruPerCpu })
        {
            Row? one = rows.FirstOrDefault(r => r.Workload == Scenario.Zipf && r.Map == map && r.Threads == 1);
            Row? two = rows.FirstOrDefault(r => r.Workload == Scenario.Zipf && r.Map == map && r.Threads == 2);
            foreach (Row? row in new[] { one, two })
            {
                if (row is not null)
                {
                    yield return ($"{map} Zipf get-or-add ≥ 2× the kernel's throughput, {row.Threads} CPU{(row.Threads > 1 ? "s" : "")}", row.ThroughputRatio, row.ThroughputRatio >= 2, "0.00×", "");
                }
            }

            if (one is not null && two is not null)
            {
                double ours = one.PerfKitNs / two.PerfKitNs, theirs = one.KernelNs / two.KernelNs;
                // What sharing the map costs each operation: a thread's time per operation at 2 threads over its time alone.
                string added = string.Create(CultureInfo.InvariantCulture,
                    $"a second CPU adds {(2 * two.PerfKitNs) - one.PerfKitNs:F1} ns to each PerfKit operation ({one.PerfKitNs:F1} ns alone), {(2 * two.KernelNs) - one.KernelNs:F1} ns to each of the kernel's ({one.KernelNs:F1} ns alone)");
                yield return ($"{map} 1→2 CPU scaling ≥ the kernel's ({theirs:F2}×)", ours, ours >= theirs, "0.00×", added);
                yield return ($"{map} 2 threads do at least 1 thread's work", ours, ours >= 1, "0.00×", "");
            }
        }
    }

    private static double Median(List<double> values)
    {
        double[] sorted = [.. values.Order()];
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>A kernel map and a PerfKit map of one kind and size, filled alike, with the key streams of their workloads.</summary>
    private sealed class MapPair : IDisposable
    {
        public MapPair(KernelMapKind kind, int capacity, IReadOnlyList<ulong> prefill)
        {
            Kind = kind;
            Kernel = FilledKernelMap.Create(kind, capacity, prefill, "perfkit_base");
            int possible = KernelCpus.PossibleCount;
            if (kind == KernelMapKind.Hash)
            {
                Hash = new HashMap<ulong, ulong>(new HashMapOptions { MaxEntries = capacity, PossibleCpus = possible });
            }
            else
            {
                Lru = new LruHashMap<ulong, ulong>(new LruHashMapOptions
                {
                    MaxEntries = capacity,
                    PossibleCpus = possible,
                    Flavor = kind == KernelMapKind.LruPerCpu ? LruFlavor.PerCpu : LruFlavor.Common,
                });
            }

            // From CPU 0, as the kernel map was filled.
            using CpuPin cpuPin = Cpu.Pin(0);
            foreach (ulong key in prefill)
            {
                _ = Lru?.Update(key, key) ?? Hash!.Update(key, key);
            }

            // An LRU update never fails for want of room: it evicts. PerfKit's map must hold every key, as the kernel's does.
            int kept = Lru?.Count ?? Hash!.Count;
            if (kept != prefill.Count)
            {
                throw new InvalidOperationException($"PerfKit's {kind} map kept {kept} of the {prefill.Count} keys it was filled with");
            }
        }

        public KernelMapKind Kind { get; }

        public BpfMap Kernel { get; }

        /// <summary>The key streams and loop programs of this pair's scenarios, closed with it.</summary>
        public List<IDisposable> Owned { get; } = [];

        public LruHashMap<ulong, ulong>? Lru { get; }

        public HashMap<ulong, ulong>? Hash { get; }

        public void Dispose()
        {
            Owned.ForEach(o => o.Dispose());
            Kernel.Dispose();
        }
    }

    /// <summary>One workload on one map pair at one thread count, with both sides' loops.</summary>
    private sealed class Scenario
    {
        public const string LookupHit = "lookup hit", LookupMiss = "lookup miss", UpdateExisting = "update existing key", Zipf = "Zipf(0.86) get-or-add";

        private readonly KeyStreams _streams;
        private readonly KernelLoop _kernelLoop, _kernelOverhead;
        private readonly LoopWorkload _workload;
        private readonly long[] _positions;

        private Scenario(string name, LoopWorkload workload, MapPair pair, KeyStreams streams, int threads, KernelLoop overhead)
        {
            Workload = name;
            _workload = workload;
            Pair = pair;
            _streams = streams;
            Threads = threads;
            _kernelLoop = KernelLoop.Create(workload, pair.Kernel, streams);
            pair.Owned.Add(_kernelLoop);
            _kernelOverhead = overhead;
            _positions = new long[KernelCpus.PossibleCount];
        }

        public string Workload { get; }

        public KernelMapKind Map => Pair.Kind;

        public int Threads { get; }

        public MapPair Pair { get; }

        private int Calls { get; set; }

        public static IEnumerable<Scenario> LookupFamily(KernelMapKind kind)
        {
            var random = new Random(42);
            ulong[] keys = [.. Enumerable.Range(0, LookupKeys).Select(i => (ulong)i).OrderBy(_ => random.Next())];
            ulong[] hits = [.. Enumerable.Range(0, LookupBatch).Select(_ => (ulong)random.Next(LookupKeys))];
            ulong[] misses = [.. hits.Select(k => k + LookupKeys)];
            // The per-CPU flavor fills CPU 0's own list (max_entries / CPUs nodes): sized so the keys fit there with room.
            var pair = new MapPair(kind, 2 * LookupKeys * (kind == KernelMapKind.LruPerCpu ? KernelCpus.PossibleCount : 1), keys);
            var hitStreams = new KeyStreams([.. Enumerable.Repeat(hits, KernelCpus.PossibleCount)]);
            var missStreams = new KeyStreams([.. Enumerable.Repeat(misses, KernelCpus.PossibleCount)]);
            var overhead = KernelLoop.Create(LoopWorkload.Overhead, null, hitStreams);
            var missOverhead = KernelLoop.Create(LoopWorkload.Overhead, null, missStreams);
            pair.Owned.AddRange([hitStreams, missStreams, overhead, missOverhead]);
            yield return new Scenario(LookupHit, LoopWorkload.Lookup, pair, hitStreams, 1, overhead);
            yield return new Scenario(LookupMiss, LoopWorkload.Lookup, pair, missStreams, 1, missOverhead);
            yield return new Scenario(UpdateExisting, LoopWorkload.Update, pair, hitStreams, 1, overhead);
        }

        public static IEnumerable<Scenario> ZipfFamily(KernelMapKind kind, int cpuCount)
        {
            var pair = new MapPair(kind, ZipfCapacity, []);
            var streams = new KeyStreams([.. Enumerable.Range(0, KernelCpus.PossibleCount).Select(cpu => new ZipfSampler(ZipfKeySpace, 0.86, seed: 1000 + cpu).Sample(ZipfStream))]);
            var overhead = KernelLoop.Create(LoopWorkload.Overhead, null, streams);
            pair.Owned.AddRange([streams, overhead]);
            for (int threads = 1; threads <= Math.Min(2, cpuCount); threads++)
            {
                yield return new Scenario(Zipf, LoopWorkload.LookupOrUpdate, pair, streams, threads, overhead);
            }
        }

        /// <summary>One timed measurement of one side: nanoseconds per operation, all threads together, loop overhead subtracted.</summary>
        public double Measure(IReadOnlyList<int> cpus, bool kernelSide)
        {
            int[] used = [.. cpus.Take(Threads)];
            if (Calls == 0)
            {
                // Calibrate once, on the kernel: the same number of operations then runs on both sides.
                double perCall = PinnedThreads.Run([used[0]], _ => _kernelLoop.Run(4) / 4)[0];
                Calls = (int)Math.Clamp(PhaseNanoseconds / Math.Max(perCall, 1), 1, 100_000);
            }

            long operations = (long)Calls * KernelLoop.Iterations;
            double[] work = PinnedThreads.Run(used, i => kernelSide ? _kernelLoop.Run(Calls) : RunManaged(used[i], _workload));
            double[] loop = PinnedThreads.Run(used, i => kernelSide ? _kernelOverhead.Run(Calls) : RunManaged(used[i], LoopWorkload.Overhead));
            double slowest = Enumerable.Range(0, used.Length).Max(i => Math.Max(work[i] - loop[i], 0));
            return slowest / (operations * used.Length);
        }

        public Latency RecordLatency(IReadOnlyList<int> cpus)
        {
            int[] used = [.. cpus.Take(Threads)];
            int operations = 1 << 20;
            HistogramBase[] histograms = PinnedThreads.Run<HistogramBase>(used, i =>
            {
                LongHistogram histogram = LatencyHistogram.Create();
                ulong[] stream = _streams.Streams[used[i]];
                if (Pair.Lru is { } lru)
                {
                    ManagedLoop.RecordGetOrAdds(new LruLoopMap(lru), stream, ref _positions[used[i]], operations, histogram);
                }
                else
                {
                    ManagedLoop.RecordGetOrAdds(new HashLoopMap(Pair.Hash!), stream, ref _positions[used[i]], operations, histogram);
                }

                return histogram;
            });
            HistogramBase all = histograms[0];
            foreach (HistogramBase other in histograms.Skip(1))
            {
                all.Add(other);
            }

            return new Latency(Map, Threads, all.TotalCount, all.GetValueAtPercentile(50), all.GetValueAtPercentile(99), all.GetValueAtPercentile(99.9), all.GetMaxValue());
        }

        private double RunManaged(int cpu, LoopWorkload workload)
        {
            int operations = Calls * KernelLoop.Iterations;
            ulong[] stream = _streams.Streams[cpu];
            ref long position = ref _positions[cpu];
            return Pair.Lru is { } lru
                ? ManagedLoop.Run(new LruLoopMap(lru), workload, stream, ref position, operations)
                : ManagedLoop.Run(new HashLoopMap(Pair.Hash!), workload, stream, ref position, operations);
        }
    }
}
