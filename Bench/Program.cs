using BenchmarkDotNet.Running;
using PerfKit.Bench;
using PerfKit.Bench.Infrastructure;

// PerfKit.Bench [suite ...] [BenchmarkDotNet arguments]
//   no arguments     the headline suites, non-interactively, results in perf-results/runs/<date-time>/, then the
//                    memory table, the paired instrumentation cost, the hit rates and the regenerated
//                    perf-results/README.md (9–12 minutes)
//   --list           the suites and what they measure
//   suite names      only those suites (see --list)
//   anything else    passed to BenchmarkDotNet (--filter, --job, --profiler, --artifacts, ...)
// PerfKit.Bench hitrate [--traces DIR] [--trace NAME]... [--out DIR]
//   replays the cache traces through the LRU map and its peers; results in perf-results/hitrate/
// PerfKit.Bench overhead [--rounds N] [--out DIR]
//   the instrumentation's cost with no listener, paired in one process; results in perf-results/overhead/
// PerfKit.Bench trace <workload> [--seconds N] [--out DIR] | analyze <file.nettrace> [--out DIR]
//   EventPipe recording of a workload in a suspended child process, and its analysis (TraceEvent)
// PerfKit.Bench kernel-check [--sequences N] [--max-steps N] [--map KIND] [--probe]
//   PerfKit's maps against the running kernel's, op for op; exit 0 identical, 1 divergent, 2 not runnable
// PerfKit.Bench hook-latency [--calls N] [--out DIR]
//   every hook path's latency distribution (HdrHistogram) beside the baseline's, a control plane churning, and a full
//   reverse-NAT LRU with and without StealBeforeShrink; results in perf-results/local/hook-latency/<date-time>/
// PerfKit.Bench kernel [--rounds N] [--out DIR]
//   the kernel's own speed beside PerfKit's in one run; results in perf-results/local/kernel/<date-time>/
switch (args.Length > 0 ? args[0] : null)
{
    case "hitrate":
        return PerfKit.Bench.HitRate.HitRateCommand.Run(args[1..]);
    case "trace":
        return PerfKit.Bench.Profiling.ProfilingCommands.Trace(args[1..]);
    case "analyze":
        return PerfKit.Bench.Profiling.ProfilingCommands.Analyze(args[1..]);
    case "workload":
        return PerfKit.Bench.Profiling.ProfilingCommands.RunWorkload(args[1..]);
    case "report":
        return PerfKit.Bench.Report.HeadlineReport.Run(args[1..]); // regenerates perf-results/README.md and README's headline block
    case "memory":
        return PerfKit.Bench.Memory.MemoryCommand.Run(args[1..]); // memory [--entries N] [--out DIR]
    case "overhead":
        return PerfKit.Bench.Diagnostics.OverheadCommand.Run(args[1..]); // overhead [--rounds N] [--out DIR]
    case "hook-latency":
        return PerfKit.Bench.Hooks.HookLatencyCommand.Run(args[1..]);
    case "kernel":
        return PerfKit.Bench.Kernel.KernelBaselineCommand.Run(args[1..]);
    case "kernel-check":
        return PerfKit.Bench.Kernel.KernelCheckCommand.Run(args[1..]);
    case "soak":
        return PerfKit.Bench.SoakCommand.Run(args[1..]); // soak [--minutes N] [--threads N]
}

var suites = new List<Suite>();
var passThrough = new List<string>();
foreach (string arg in args)
{
    if (arg is "--list")
    {
        Console.WriteLine("Suites (run one with: dotnet run -c Release --project Bench -- <suite>; 'all' runs every one):");
        foreach (Suite suite in Suites.All.Append(Suites.Headline))
        {
            Console.WriteLine($"  {suite.Name,-10} {suite.Description}");
            foreach (Type type in suite.Types)
            {
                Console.WriteLine($"             {type.Name}");
            }
        }

        return 0;
    }

    if (!arg.StartsWith('-') && passThrough.Count == 0)
    {
        Suite? suite = Suites.Find(arg);
        if (suite is null)
        {
            return BenchCommandLine.Fail($"unknown suite '{arg}'. Known suites: {string.Join(", ", Suites.All.Select(s => s.Name))}, headline, all (see --list).");
        }

        suites.Add(suite);
        continue;
    }

    passThrough.Add(arg);
}

// No arguments at all: the headline set. A filter or other BenchmarkDotNet arguments without suite names: every suite.
bool defaultRun = suites.Count == 0 && passThrough.Count == 0;
if (suites.Count == 0)
{
    suites.AddRange(defaultRun ? [Suites.Headline] : Suites.All);
}

// Never show BenchmarkDotNet's interactive menu: without a filter, run everything selected.
if (!passThrough.Any(a => a is "--filter" or "-f"))
{
    passThrough.AddRange(["--filter", "*"]);
}

// BenchmarkDotNet 0.15.8's EventPipeProfiler never stops its session under the in-process toolchain: it hangs.
bool profilerEp = passThrough.Select((a, i) => (a, i)).Any(p => p.a is "--profiler" or "-p" && p.i + 1 < passThrough.Count && passThrough[p.i + 1] == "EP");
if (profilerEp && passThrough.Any(a => a is "--inProcess" or "-i"))
{
    return BenchCommandLine.Fail("--profiler EP hangs with the in-process toolchain (BenchmarkDotNet 0.15.8); drop --inProcess.");
}

bool namesArtifacts = passThrough.Contains("--artifacts");
bool namesJob = passThrough.Any(a => a is "--job" or "-j" or "--runtimes" or "-r");
string? artifacts = namesArtifacts
    ? null
    : Path.Combine(RepositoryPaths.PerfResults, "runs", DateTime.UtcNow.ToString("yyyy-MM-dd_HHmmss", System.Globalization.CultureInfo.InvariantCulture));

var switcher = BenchmarkSwitcher.FromTypes(suites.SelectMany(s => s.Types).ToArray());
var summaries = switcher.Run(passThrough.ToArray(), BenchConfig.Create(artifacts, addDefaultJob: !namesJob)).ToList();
if (summaries.Count == 0)
{
    return BenchCommandLine.Fail("no benchmark matched the filter (see --list).");
}

bool failed = summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success));
if (artifacts is not null)
{
    Console.WriteLine($"Results: {Path.Combine(artifacts, "results")}");
}

if (defaultRun && !failed && artifacts is not null) // a default run names no --artifacts, so it has its run folder
{
    // The rest of the headline: memory, hit rates (needs ../shared/traces; skipped with a warning if absent), the report.
    Console.WriteLine("Memory table ...");
    PerfKit.Bench.Memory.MemoryCommand.Run([]);
    Console.WriteLine("Instrumentation cost, paired ...");
    PerfKit.Bench.Diagnostics.OverheadCommand.Run([]);
    Console.WriteLine("Hook latency distributions ...");
    if (PerfKit.Bench.Hooks.HookLatencyCommand.Run(["--out", Path.Combine(artifacts, "hook-latency")]) != 0)
    {
        return 1;
    }
    Console.WriteLine("Hit rates ...");
    if (PerfKit.Bench.HitRate.HitRateCommand.Run([]) != 0)
    {
        Console.Error.WriteLine("warning: hit rates not refreshed (see above); the report uses the last ones.");
    }

    return PerfKit.Bench.Report.HeadlineReport.Run([]);
}

return failed ? 1 : 0;
