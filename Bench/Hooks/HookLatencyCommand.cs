using System.Diagnostics;
using System.Globalization;
using System.Text;
using HdrHistogram;
using System.CommandLine;
using PerfKit.Bench.Cli;
using PerfKit.Bench.Infrastructure;
using PerfKit.Bench.Results;
using PerfKit.Hooks;
using PerfKit.Hooks.Tables;

namespace PerfKit.Bench.Hooks;

/// <summary>
/// <c>hook-latency [--calls N] [--out DIR]</c>: the latency distribution of every hook path (HdrHistogram: p50, p99,
/// p99.9, max), on PerfKit's maps and on the ConcurrentDictionary + MemoryCache baseline, at Cilium's map sizes,
/// with a control plane changing services on another thread the whole time. One more scenario fills the
/// reverse-NAT LRU (262,144 entries) and keeps connecting new sockets that are never released, as before Cilium
/// had a release hook, so that every connect inserts into a full LRU: the kernel's algorithm then evicts in batches
/// and some calls pay for a whole shrink; it runs in the kernel's order and with <c>StealBeforeShrink</c>.
/// Each call is timed alone (the clock reads are in the figures). The default run writes these into its run folder.
/// </summary>
public static class HookLatencyCommand
{
    private const string EvictingScenario = "ClusterIpConnect, reverse-NAT LRU full";

    // Untimed calls first, for at least this long: tiered compilation promotes hot methods only after a delay (100 ms
    // by default) with no new methods compiled, and a count of warm-up calls ended before that (p50 several times
    // the optimized figure).
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(1);

    /// <summary>One scenario's distribution, nanoseconds.</summary>
    public sealed record Result(string Scenario, string Tables, long Calls, double Mean, long P50, long P99, long P999, long Max);

    /// <summary>Timed calls per scenario unless <c>--calls</c> says otherwise.</summary>
    public const int DefaultCalls = 200_000;

    /// <summary>The <c>hook-latency</c> command.</summary>
    public static Command Create()
    {
        Option<int> calls = CliOptions.Whole("--calls", "timed calls per scenario", DefaultCalls, 10_000, 10_000_000);
        Option<DirectoryInfo?> output = CliOptions.Out("hook-latency");
        var command = new Command("hook-latency",
            "Every hook path's latency distribution (p50, p99, p99.9, max) beside the baseline's, a control plane churning, and a full reverse-NAT LRU with and without StealBeforeShrink")
        {
            calls, output,
        };
        command.SetAction(parsed => Run(parsed.GetValue(calls), parsed.GetValue(output)?.FullName ?? RunFolders.NewCommandRun("hook-latency")));
        return command;
    }

    /// <summary>Measures every scenario with <paramref name="calls"/> timed calls and writes README.md, a CSV and a plot into <paramref name="output"/>; returns the exit code.</summary>
    public static int Run(int calls, string output)
    {
        WorkloadBanner.Print($"hook latency: {calls:N0} timed calls per scenario, control plane churning on another thread");
        var results = new List<Result>();
        foreach (HookPath path in Enum.GetValues<HookPath>())
        {
            TimeProvider clock = path == HookPath.AffinityMiss ? new JumpingClock() : TimeProvider.System;
            results.Add(Measure(path.ToString(), "PerfKit", new SocketLoadBalancer(new NetworkHost(), HookWorld.Options(clock)), path, calls));
            results.Add(Measure(path.ToString(), "DotNetBaseline", new DotNetLoadBalancer(new NetworkHost(), HookWorld.Options(clock)), path, calls));
            Console.WriteLine($"  {path} done");
        }

        LoadBalancerOptions cilium = HookWorld.Options(TimeProvider.System);
        results.Add(MeasureEvicting("PerfKit", new SocketLoadBalancer(new NetworkHost(), cilium), calls));
        results.Add(MeasureEvicting("PerfKit, StealBeforeShrink", new SocketLoadBalancer(new NetworkHost(), new LoadBalancerOptions { StealBeforeShrink = true }), calls));
        results.Add(MeasureEvicting("DotNetBaseline", new DotNetLoadBalancer(new NetworkHost(), cilium), calls));
        Console.WriteLine($"  {EvictingScenario} done");

        string report = Report(results);
        Console.WriteLine(report);
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, "README.md"), report);
        File.WriteAllText(Path.Combine(output, "hook-latency.csv"), "scenario,tables,calls,mean_ns,p50_ns,p99_ns,p999_ns,max_ns\n" + string.Concat(results.Select(r =>
            string.Create(CultureInfo.InvariantCulture, $"\"{r.Scenario}\",{r.Tables},{r.Calls},{r.Mean:F1},{r.P50},{r.P99},{r.P999},{r.Max}\n"))));
        HookLatencyPlot.Save(results, Path.Combine(output, "hook-latency.png"), PlotLook.Caption("hook-latency", MachineInfo.Current.ToString(), DateTime.UtcNow));
        Console.WriteLine($"Results: {output}");
        return 0;
    }

    /// <summary>The markdown table of the results.</summary>
    public static string Report(IReadOnlyList<Result> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var text = new StringBuilder();
        text.AppendLine("# Hook latency distributions (ns per call, HdrHistogram; one thread, a control plane churning beside it)");
        text.AppendLine();
        text.AppendLine("| scenario | tables | calls | mean | p50 | p99 | p99.9 | max |");
        text.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (Result r in results)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {r.Scenario} | {r.Tables} | {r.Calls:N0} | {r.Mean:F0} | {r.P50} | {r.P99} | {r.P999} | {r.Max} |");
        }

        return text.ToString();
    }

    private static Result Measure<TTables>(string scenario, string tables, LoadBalancer<TTables> lb, HookPath path, int calls)
        where TTables : struct, ILoadBalancerTables
    {
        HookWorld.InstallPathServices(lb);
        PathBodies bodies = HookWorld.PathBodies(lb, lb.Host, path, threads: 1, calls: 1);
        var warm = Stopwatch.StartNew();
        do
        {
            bodies.Prepare(0);
            bodies.Measure(0);
        }
        while (warm.Elapsed < WarmUp);

        LongHistogram histogram = LatencyHistogram.Create();
        using (ControlPlaneChurn.Start(lb))
        {
            for (int i = 0; i < calls; i++)
            {
                bodies.Prepare(0);
                long start = Stopwatch.GetTimestamp();
                bodies.Measure(0);
                LatencyHistogram.RecordSince(histogram, start);
            }
        }

        DisposeTables(lb);
        return Summarize(scenario, tables, histogram);
    }

    private static Result MeasureEvicting<TTables>(string tables, LoadBalancer<TTables> lb, int calls)
        where TTables : struct, ILoadBalancerTables
    {
        HookWorld.InstallPathServices(lb);
        NetNamespace pod = lb.Host.CreateNamespace();
        SockAddr clusterIp = SockAddr.V4("10.96.0.10", 80);
        int capacity = HookWorld.Options(TimeProvider.System).ReverseNatMapSize;
        var warm = Stopwatch.StartNew();
        for (int i = 0; i < capacity + (capacity / 4) || warm.Elapsed < WarmUp; i++)
        {
            SockAddr address = clusterIp;
            lb.Connect(pod.CreateSocket(SocketProtocol.Tcp), ref address); // never released: the LRU fills, then evicts
        }

        Socket[] fresh = [.. Enumerable.Range(0, calls).Select(_ => pod.CreateSocket(SocketProtocol.Tcp))];
        LongHistogram histogram = LatencyHistogram.Create();
        using (ControlPlaneChurn.Start(lb))
        {
            foreach (Socket socket in fresh)
            {
                SockAddr address = clusterIp;
                long start = Stopwatch.GetTimestamp();
                lb.Connect(socket, ref address);
                LatencyHistogram.RecordSince(histogram, start);
            }
        }

        DisposeTables(lb);
        return Summarize(EvictingScenario, tables, histogram);
    }

    private static void DisposeTables<TTables>(LoadBalancer<TTables> lb)
        where TTables : struct, ILoadBalancerTables
    {
        if (lb.Tables is IDisposable disposable)
        {
            disposable.Dispose();
        }
    }

    private static Result Summarize(string scenario, string tables, HistogramBase h) =>
        new(scenario, tables, h.TotalCount, h.GetMean(), h.GetValueAtPercentile(50), h.GetValueAtPercentile(99), h.GetValueAtPercentile(99.9), h.GetMaxValue());

    /// <summary>A control plane on another thread: a set of services whose backends change about every millisecond.</summary>
    private sealed class ControlPlaneChurn : IDisposable
    {
        private readonly Thread _thread;
        private volatile bool _stop; // volatile: the churn loop re-reads it every pass instead of hoisting the read out of the loop

        private ControlPlaneChurn(Action<Func<bool>> body)
        {
            _thread = new Thread(() => body(() => _stop)) { IsBackground = true, Name = "control-plane" };
            _thread.Start();
        }

        public static ControlPlaneChurn Start<TTables>(LoadBalancer<TTables> lb)
            where TTables : struct, ILoadBalancerTables => new(stopping =>
        {
            var random = new Random(7);
            ServiceSpec Spec(int s, int backends) => new()
            {
                Address = IpAddr.FromV4(0x0A60_1000u + (uint)s),
                Port = 80,
                Backends = [.. Enumerable.Range(1, backends).Select(b => new BackendSpec(IpAddr.FromV4(0x0A20_0000u + (uint)(s * 256) + (uint)b), 8080))],
            };
            const int Services = 16;
            for (int s = 0; s < Services; s++)
            {
                lb.AddService(Spec(s, 4));
            }

            while (!stopping())
            {
                lb.UpdateService(Spec(random.Next(Services), 1 + random.Next(12)));
                Thread.Sleep(1);
            }

            for (int s = 0; s < Services; s++)
            {
                lb.DeleteService(Spec(s, 1).Address, 80, SocketProtocol.Tcp);
            }
        });

        public void Dispose()
        {
            _stop = true;
            _thread.Join();
        }
    }
}
