using System.Diagnostics;
using PerfKit.Bench.Hooks;
using PerfKit.Bench.Infrastructure;
using PerfKit.Bench.Maps;
using PerfKit.Cookies;
using PerfKit.Hooks;
using PerfKit.Maps;
using PerfKit.Maps.Planning;

namespace PerfKit.Bench.Profiling;

/// <summary>The workloads <c>trace</c> records: each runs on two threads for a given time.</summary>
public static class ProfileWorkloads
{
    /// <summary>Workload names and what they do.</summary>
    public static IReadOnlyDictionary<string, string> Names { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["cookies"] = "cookie generation: per-thread, per-CPU and shared generators",
        ["lru-common"] = "Zipf(0.86) get-or-add on the common-flavor LRU map (capacity 10 % of 100,000 keys)",
        ["lru-percpu"] = "the same on the per-CPU flavor",
        ["hooks"] = "the socket load balancer's mixed workload (1,000 services, 110 pods + host)",
    };

    /// <summary>Runs <paramref name="name"/> for <paramref name="seconds"/> on two threads.</summary>
    public static void Run(string name, double seconds)
    {
        Action<int> body = name switch
        {
            "cookies" => Cookies(),
            "lru-common" => Lru(LruFlavor.Common),
            "lru-percpu" => Lru(LruFlavor.PerCpu),
            "hooks" => Hooks(),
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, "unknown workload"),
        };
        var clock = Stopwatch.StartNew();
        var threads = Enumerable.Range(0, 2).Select(t => new Thread(() =>
        {
            while (clock.Elapsed.TotalSeconds < seconds)
            {
                body(t);
            }
        })).ToArray();
        foreach (Thread thread in threads)
        {
            thread.Start();
        }

        foreach (Thread thread in threads)
        {
            thread.Join();
        }
    }

    private static Action<int> Cookies()
    {
        var perThread = new PerThreadCookieGenerator();
        var perCpu = new PerCpuCookieGenerator(Environment.ProcessorCount);
        var shared = new SharedCookieGenerator();
        return _ =>
        {
            for (int i = 0; i < 100_000; i++)
            {
                perThread.NextCookie();
                perCpu.NextCookie();
                shared.NextCookie();
            }
        };
    }

    private static Action<int> Lru(LruFlavor flavor)
    {
        var map = new LruHashMap<ulong, ulong>(new LruHashMapOptions { MaxEntries = 10_000, Flavor = flavor });
        ulong[][] samples = [.. Enumerable.Range(0, 2).Select(t => new ZipfSampler(100_000, 0.86, 100 + t).Sample(1 << 18))];
        return t => MapOps.GetOrAdds(new LruContender(map), samples[t], 0, samples[t].Length);
    }

    private static Action<int> Hooks()
    {
        var host = new NetworkHost();
        return MixedHookWorkload.Build(new SocketLoadBalancer(host), host, threads: 2, count: 1 << 14);
    }
}
