using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using PerfKit.Bench.Cli;
using PerfKit.Bench.HitRate;
using PerfKit.Bench.Infrastructure;
using PerfKit.Bench.Results;
using PerfKit.Maps.Planning;

namespace PerfKit.Bench.Planning;

/// <summary>
/// <c>plan</c>: sizes a BPF LRU map for a workload. Replays the workload through the map (the kernel's algorithm) on
/// the given numbers of simulated CPUs, for every configuration, at a sweep of sizes; reports hit rate, evictions,
/// premature evictions and the fill at the first eviction, and, given a target, the smallest size that meets it.
/// </summary>
public static class PlanCommand
{
    private static readonly string[] WorkloadNames = ["zipf", "conntrack", "affinity", "scan"];

    /// <summary>The <c>plan</c> command.</summary>
    public static Command Create()
    {
        var workload = new Option<string>("--workload")
        {
            Description = "the operation stream: zipf (Zipf(0.9) accesses), conntrack (flows created, written per packet, deleted), affinity (clients refreshing their entries), scan (a hot set with scans), or a trace file the hitrate command reads",
            DefaultValueFactory = _ => "zipf",
            HelpName = "NAME|FILE",
        };
        Option<int> steps = CliOptions.Whole("--steps", "operations in a built-in workload", 1_000_000, 1000, 100_000_000);
        Option<int> keys = CliOptions.Whole("--keys", "distinct keys (zipf, affinity, scan) or open flows (conntrack) of a built-in workload", 100_000, 10, 10_000_000);
        var cpus = new Option<int[]>("--cpus") { Description = "simulated CPU counts to compare (1–8192) [default: this machine's]", HelpName = "N", AllowMultipleArgumentsPerToken = true };
        var rule = new Option<CpuRule>("--cpu-rule") { Description = "which CPU performs each step", DefaultValueFactory = _ => CpuRule.ByFlow };
        var sizes = new Option<int[]>("--max-entries") { Description = "map sizes to compare [default: 12 sizes from 1/32 to 2× the keys]", HelpName = "N", AllowMultipleArgumentsPerToken = true };
        var hitRate = new Option<double?>("--target-hit-rate") { Description = "also find, per configuration, the smallest size reaching this hit rate (0–1)", HelpName = "P" };
        var noPremature = new Option<bool>("--no-premature") { Description = "also find the smallest size with no premature eviction (none while other CPUs hold free nodes)" };
        Option<DirectoryInfo?> output = CliOptions.Out("plan");
        var command = new Command("plan", "Size a BPF LRU map: replay a workload on simulated CPUs for every configuration and size; hit rate, evictions, premature evictions, first-eviction fill, smallest size for a target")
        {
            workload, steps, keys, cpus, rule, sizes, hitRate, noPremature, output,
        };
        command.SetAction(parsed => Run(parsed.GetValue(workload)!, parsed.GetValue(steps), parsed.GetValue(keys), parsed.GetValue(cpus), parsed.GetValue(rule),
            parsed.GetValue(sizes), parsed.GetValue(hitRate), parsed.GetValue(noPremature), parsed.GetValue(output)?.FullName ?? RunFolders.NewCommandRun("plan")));
        return command;
    }

    /// <summary>Runs the plan; returns the exit code.</summary>
    public static int Run(string workloadName, int steps, int keys, int[]? cpuCounts, CpuRule rule, int[]? sizes, double? hitRate, bool noPremature, string output)
    {
        PlanWorkload workload;
        try
        {
            workload = LoadWorkload(workloadName, steps, keys);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or ArgumentException)
        {
            return BenchCommandLine.Fail(e.Message);
        }

        cpuCounts = cpuCounts is { Length: > 0 } ? cpuCounts : [Environment.ProcessorCount];
        if (cpuCounts.Any(c => c is < 1 or > PerfKit.Cpu.MaxCpus) || (sizes ?? []).Any(s => s < 1) || hitRate is < 0 or > 1)
        {
            return BenchCommandLine.Fail("--cpus must be 1–8192, --max-entries at least 1, --target-hit-rate 0–1.");
        }

        if (rule == CpuRule.TraceColumn && workload.Cpus is null)
        {
            return BenchCommandLine.Fail($"--cpu-rule TraceColumn needs a workload with a CPU column; {workload.Name} has none.");
        }

        int distinct = workload.DistinctKeys;
        sizes = sizes is { Length: > 0 } ? [.. sizes.Distinct().Order()] : DefaultSizes(distinct);
        var target = hitRate is not null || noPremature ? new PlanTarget(hitRate, noPremature) : null;
        WorkloadBanner.Print(string.Create(CultureInfo.InvariantCulture,
            $"plan: {workload.Name}, {workload.Length:N0} steps over {distinct:N0} keys; CPUs {string.Join(", ", cpuCounts)} ({rule}); {sizes.Length} sizes × {PlanConfiguration.All.Count} configurations"));
        var clock = Stopwatch.StartNew();
        long replayed = 0;
        var results = new List<PlanResult>();
        var smallest = new List<(int Cpus, PlanConfiguration Configuration, (int Size, PlanResult Result)? Answer)>();
        var progress = new ProgressLine("plan", (long)cpuCounts.Length * PlanConfiguration.All.Count * sizes.Length, "replays");
        foreach (int cpus in cpuCounts)
        {
            foreach (PlanConfiguration configuration in PlanConfiguration.All)
            {
                foreach (int size in sizes)
                {
                    results.Add(LruPlanner.Replay(workload, configuration, cpus, size, rule));
                    replayed += workload.Length;
                    progress.Report(results.Count);
                }

                if (target is not null)
                {
                    smallest.Add((cpus, configuration, LruPlanner.SmallestSize(workload, configuration, cpus, target, 1, Math.Max(sizes[^1], 4 * distinct), rule,
                        _ => replayed += workload.Length)));
                }
            }
        }

        progress.Done();
        double rate = replayed / clock.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{replayed:N0} simulated operations in {clock.Elapsed.TotalSeconds:F1} s: {rate / 1e6:F1} M a second"));

        // The starvation the 2025 free-target change fixed: the fill at the first eviction as CPUs grow, classic vs adaptive.
        int fillSize = sizes[sizes.Length / 2];
        int[] fillCpus = [2, 4, 8, 16, 32, 64, 128, 256, 512];
        var fills = fillCpus.SelectMany(c => new[] { PlanConfiguration.CommonClassic, PlanConfiguration.CommonAdaptive }
            .Select(configuration => LruPlanner.Replay(workload, configuration, c, Math.Max(fillSize, c), rule))).ToList();

        Directory.CreateDirectory(output);
        string report = Markdown(workload, rule, results, smallest, target, fills, rate);
        File.WriteAllText(Path.Combine(output, "README.md"), report);
        File.WriteAllText(Path.Combine(output, "plan.csv"), Csv(results));
        string machine = MachineInfo.Current.ToString();
        foreach (int cpus in cpuCounts)
        {
            PlanPlot.HitRateBySize([.. results.Where(r => r.Cpus == cpus)], Path.Combine(output, $"hit-rate-{cpus}-cpus.png"),
                PlotLook.Caption($"plan {workload.Name}, {cpus} CPUs, {rule}", machine, DateTime.UtcNow));
        }

        PlanPlot.FirstEvictionFill(fills, Path.Combine(output, "first-eviction-fill.png"), PlotLook.Caption($"plan {workload.Name}, {fillSize:N0} entries", machine, DateTime.UtcNow));
        Console.WriteLine(report);
        Console.WriteLine($"Results: {output}");
        return 0;
    }

    private static PlanWorkload LoadWorkload(string name, int steps, int keys) => name switch
    {
        "zipf" => PlanWorkload.Zipf(steps, keys, 0.9),
        "conntrack" => PlanWorkload.ConnectionTracking(steps, keys, meanPackets: 20),
        "affinity" => PlanWorkload.SessionAffinity(steps, keys),
        "scan" => PlanWorkload.HotSetWithScans(steps, keys, Math.Max(1, keys / 4)),
        _ when File.Exists(name) => FromTrace(CacheTrace.Load(name)),
        _ => throw new ArgumentException($"'{name}' is neither a built-in workload ({string.Join(", ", WorkloadNames)}) nor a trace file."),
    };

    private static PlanWorkload FromTrace(CacheTrace trace) => new(trace.Name, trace.Keys, new PlanOperation[trace.Keys.Length]);

    // Twelve sizes, log-spaced from 1/32 of the keys to twice them.
    private static int[] DefaultSizes(int keys) =>
        [.. Enumerable.Range(0, 12).Select(i => Math.Max(16, (int)Math.Round(keys / 32.0 * Math.Pow(64, i / 11.0)))).Distinct()];

    private static string Markdown(PlanWorkload workload, CpuRule rule, List<PlanResult> results,
        List<(int Cpus, PlanConfiguration Configuration, (int Size, PlanResult Result)? Answer)> smallest, PlanTarget? target, List<PlanResult> fills, double rate)
    {
        var md = new StringBuilder().Append(CultureInfo.InvariantCulture,
            $"# Plan: {workload.Name}\n\n{workload.Length:N0} steps over {workload.DistinctKeys:N0} keys, CPU rule {rule}; deterministic (rerunning gives the same numbers). {rate / 1e6:F1} M simulated operations a second.\n\n");
        if (target is not null)
        {
            md.Append(CultureInfo.InvariantCulture, $"## Smallest max_entries for {target}\n\n| CPUs | configuration | max_entries | hit rate | premature evictions |\n|---:|---|---:|---:|---:|\n");
            foreach ((int cpus, PlanConfiguration configuration, (int Size, PlanResult Result)? answer) in smallest)
            {
                md.Append(answer is { } a
                    ? string.Create(CultureInfo.InvariantCulture, $"| {cpus} | {configuration.Name} | {a.Size:N0} | {a.Result.HitRate:P2} | {a.Result.PrematureEvictions:N0} |\n")
                    : $"| {cpus} | {configuration.Name} | not reached | | |\n");
            }

            md.Append('\n');
        }

        foreach (var byCpus in results.GroupBy(r => r.Cpus))
        {
            md.Append(CultureInfo.InvariantCulture, $"## {byCpus.Key} CPUs\n\n| max_entries | configuration | hit rate | evictions | premature | fill at first eviction |\n|---:|---|---:|---:|---:|---:|\n");
            foreach (PlanResult r in byCpus.OrderBy(r => r.MaxEntries))
            {
                md.Append(CultureInfo.InvariantCulture,
                    $"| {r.MaxEntries:N0} | {r.Configuration.Name} | {r.HitRate:P2} | {r.Evictions:N0} | {r.PrematureEvictions:N0} | {(r.FirstEvictionFill is double f ? f.ToString("P1", CultureInfo.InvariantCulture) : "none")} |\n");
            }

            md.Append('\n');
        }

        md.Append("## Fill at the first eviction as CPUs grow (classic vs adaptive free target)\n\n| CPUs | max_entries | classic | adaptive |\n|---:|---:|---:|---:|\n");
        foreach (var byCpus in fills.GroupBy(f => f.Cpus))
        {
            string Fill(PlanConfiguration c) => byCpus.First(f => f.Configuration == c).FirstEvictionFill is double v ? v.ToString("P1", CultureInfo.InvariantCulture) : "none";
            md.Append(CultureInfo.InvariantCulture, $"| {byCpus.Key} | {byCpus.First().MaxEntries:N0} | {Fill(PlanConfiguration.CommonClassic)} | {Fill(PlanConfiguration.CommonAdaptive)} |\n");
        }

        return md.ToString();
    }

    private static string Csv(List<PlanResult> results)
    {
        var csv = new StringBuilder("cpus,configuration,max_entries,steps,accesses,hits,hit_rate,evictions,premature_evictions,first_eviction_fill\n");
        foreach (PlanResult r in results)
        {
            csv.Append(CultureInfo.InvariantCulture,
                $"{r.Cpus},\"{r.Configuration.Name}\",{r.MaxEntries},{r.Steps},{r.Accesses},{r.Hits},{r.HitRate:F6},{r.Evictions},{r.PrematureEvictions},{(r.FirstEvictionFill is double f ? f.ToString("F4", CultureInfo.InvariantCulture) : string.Empty)}\n");
        }

        return csv.ToString();
    }
}
