using System.Collections.Concurrent;
using System.Diagnostics;
using PerfKit.Hooks;
using PerfKit.Hooks.Tables;
using PerfKit.Maps;

namespace PerfKit.Reliability;

/// <summary>How a soak runs.</summary>
/// <param name="Threads">Worker threads per round, 2 to 8.</param>
/// <param name="Duration">Total time.</param>
/// <param name="Seed">Seed of every random choice.</param>
public sealed record SoakOptions(int Threads, TimeSpan Duration, int Seed = 1)
{
    /// <summary>Length of one round's load phase, after which everything is checked while quiescent.</summary>
    public TimeSpan RoundLength { get; init; } = TimeSpan.FromMilliseconds(250);
}

/// <summary>A soak's outcome.</summary>
/// <param name="Rounds">Rounds completed.</param>
/// <param name="Operations">Operations performed.</param>
/// <param name="Violations">Every integrity violation found, with its round; empty when all is well.</param>
public sealed record SoakReport(int Rounds, long Operations, IReadOnlyList<string> Violations);

/// <summary>
/// Drives the LRU map (both flavors) and the socket load balancer from several threads with mixed operations —
/// program and syscall lookups, updates with every flag, deletes, lookup-and-delete, in-place writes, enumeration;
/// hooks of every kind with control-plane churn — and after each round checks, with nothing running: every node in
/// exactly one list, live + free = capacity, no key twice, every value belongs to its key, counts consistent, and
/// every installed service's slots and backends present.
/// </summary>
public static class SoakRunner
{
    private const int Services = 8;

    /// <summary>Runs the soak; <paramref name="progress"/> hears after every round.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Threads outside 2–8, or a non-positive duration.</exception>
    public static SoakReport Run(SoakOptions options, IProgress<(int Round, long Operations, int Violations)>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Threads, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.Threads, 8);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.Duration, TimeSpan.Zero);
        var violations = new ConcurrentQueue<string>();
        var common = new LruHashMap<ulong, ulong>(new LruHashMapOptions { MaxEntries = 512, PossibleCpus = 4 });
        var perCpu = new LruHashMap<ulong, ulong>(new LruHashMapOptions { MaxEntries = 512, PossibleCpus = 4, Flavor = LruFlavor.PerCpu });
        var host = new NetworkHost();
        var lb = new SocketLoadBalancer(host, new LoadBalancerOptions
        {
            ServiceMapSize = 512, BackendMapSize = 512, AffinityMapSize = 256, AffinityMatchMapSize = 512, ReverseNatMapSize = 256, PossibleCpus = 4,
        });
        for (int s = 0; s < Services; s++)
        {
            lb.AddService(Spec(s, Universe(s).Take(3), s % 3 == 0));
        }

        long operations = 0;
        int round = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < options.Duration)
        {
            round++;
            int seed = options.Seed * 7919 + round;
            operations += RunRound(options, seed, common, perCpu, lb, host, violations, round);
            CheckMap(common, "common LRU", round, violations);
            CheckMap(perCpu, "per-CPU LRU", round, violations);
            CheckLoadBalancer(lb, round, violations);
            progress?.Report((round, operations, violations.Count));
        }

        return new SoakReport(round, operations, [.. violations]);
    }

    private static long RunRound(SoakOptions options, int seed, LruHashMap<ulong, ulong> common, LruHashMap<ulong, ulong> perCpu,
        SocketLoadBalancer lb, NetworkHost host, ConcurrentQueue<string> violations, int round)
    {
        long done = 0;
        var stop = Stopwatch.StartNew();
        var workers = new Thread[options.Threads + 1];
        for (int t = 0; t < options.Threads; t++)
        {
            int thread = t;
            workers[t] = new Thread(() => Guarded(round, $"worker {thread}", violations, () =>
            {
                var random = new Random(seed ^ (thread * 104729));
                NetNamespace ns = host.CreateNamespace();
                long mine = 0;
                uint version = 0;
                while (stop.Elapsed < options.RoundLength)
                {
                    using CpuPin pin = Cpu.Pin(random.Next(6));
                    for (int i = 0; i < 64; i++, mine++)
                    {
                        LruHashMap<ulong, ulong> map = (i & 1) == 0 ? common : perCpu;
                        ulong key = (ulong)random.Next(1024);
                        ulong value = (key << 32) | ++version;
                        switch (random.Next(12))
                        {
                            case 0: map.Update(key, value, UpdateFlags.Any); break;
                            case 1: map.Update(key, value, UpdateFlags.NoExist); break;
                            case 2: map.Update(key, value, UpdateFlags.Exist); break;
                            case 3: Belongs(key, map.TryLookup(key, out ulong a), a, round, violations); break;
                            case 4: Belongs(key, map.TryPeek(key, out ulong b), b, round, violations); break;
                            case 5: map.Delete(key); break;
                            case 6: Belongs(key, map.LookupAndDelete(key, out ulong c) == MapResult.Ok, c, round, violations); break;
                            case 7: map.TryWrite(key, value); break;
                            case 8:
                                foreach (KeyValuePair<ulong, ulong> e in map.Take(8))
                                {
                                    Belongs(e.Key, true, e.Value, round, violations);
                                }

                                break;
                            default: Hook(lb, ns, random, round, violations); break;
                        }
                    }
                }

                // Workers and the control plane all add into one tally, read after every thread is joined.
                Interlocked.Add(ref done, mine);
            }));
        }

        // The control plane churns services while the hooks run.
        workers[options.Threads] = new Thread(() => Guarded(round, "control plane", violations, () =>
        {
            var random = new Random(seed);
            while (stop.Elapsed < options.RoundLength)
            {
                int s = random.Next(Services);
                if (random.Next(4) == 0)
                {
                    lb.DeleteService(Vip(s), 80, SocketProtocol.Tcp);
                    lb.AddService(Spec(s, Universe(s).Take(1 + random.Next(6)), s % 3 == 0));
                }
                else
                {
                    lb.UpdateService(Spec(s, Universe(s).OrderBy(_ => random.Next()).Take(random.Next(7)), s % 3 == 0));
                }

                Interlocked.Increment(ref done); // the shared tally, as above
            }
        }));
        foreach (Thread w in workers)
        {
            w.Start();
        }

        foreach (Thread w in workers)
        {
            w.Join();
        }

        return done;
    }

    // An exception anywhere is a violation, reported with the rest; it never takes the runner down.
    private static void Guarded(int round, string who, ConcurrentQueue<string> violations, Action body)
    {
        try
        {
            body();
        }
        catch (Exception e)
        {
            violations.Enqueue($"round {round}: {who} threw {e.GetType().Name}: {e.Message}");
        }
    }

    private static void Hook(SocketLoadBalancer lb, NetNamespace ns, Random random, int round, ConcurrentQueue<string> violations)
    {
        int s = random.Next(Services);
        Socket socket = ns.CreateSocket(random.Next(2) == 0 ? SocketProtocol.Tcp : SocketProtocol.Udp);
        var address = new SockAddr(Vip(s), 80);
        HookResult result = socket.Protocol == SocketProtocol.Udp && random.Next(2) == 0 ? lb.SendMsg(socket, ref address) : lb.Connect(socket, ref address);
        if (result.Rewrote && !Universe(s).Contains(address.Address))
        {
            violations.Enqueue($"round {round}: service {s} translated to {address}, not one of its backends");
        }

        if (result.Rewrote)
        {
            SockAddr peer = address;
            HookResult back = lb.RecvMsg(socket, ref peer);
            if (back.Rewrote && peer != new SockAddr(Vip(s), 80))
            {
                violations.Enqueue($"round {round}: reverse translation gave {peer} for service {s}");
            }
        }

        lb.Release(socket);
    }

    private static void Belongs(ulong key, bool found, ulong value, int round, ConcurrentQueue<string> violations)
    {
        if (found && value >> 32 != key)
        {
            violations.Enqueue($"round {round}: key {key} read value {value:x}, which belongs to key {value >> 32}");
        }
    }

    private static void CheckMap(LruHashMap<ulong, ulong> map, string name, int round, ConcurrentQueue<string> violations)
    {
        MapAudit audit = map.Audit();
        foreach (string problem in audit.Problems)
        {
            violations.Enqueue($"round {round}, {name}: {problem}");
        }

        int enumerated = 0;
        foreach ((ulong key, ulong value) in map)
        {
            enumerated++;
            Belongs(key, true, value, round, violations);
        }

        if (enumerated != map.Count || map.Count != audit.Live)
        {
            violations.Enqueue($"round {round}, {name}: Count {map.Count}, enumeration {enumerated}, audit {audit.Live}");
        }
    }

    // Every installed frontend: its slots 1..count exist and name backends that exist.
    private static void CheckLoadBalancer(SocketLoadBalancer lb, int round, ConcurrentQueue<string> violations)
    {
        BpfTables tables = lb.Tables;
        foreach ((ServiceKey key, ServiceEntry entry) in tables.Services.Where(e => e.Key.Slot == 0))
        {
            if ((entry.Flags & ServiceTraits.LocalScope) != 0)
            {
                continue;
            }

            for (ushort slot = 1; slot <= entry.Count; slot++)
            {
                if (!tables.TryGetService(key with { Slot = slot }, out ServiceEntry slotEntry) || !tables.TryGetBackend(slotEntry.BackendId, out _))
                {
                    violations.Enqueue($"round {round}: frontend {key.Address}:{key.Port} slot {slot} of {entry.Count} or its backend is missing");
                }
            }
        }

        foreach ((string name, MapAudit audit) in new[] { ("affinity", tables.Affinity.Audit()), ("reverse NAT", tables.ReverseNat.Audit()) })
        {
            foreach (string problem in audit.Problems)
            {
                violations.Enqueue($"round {round}, {name} map: {problem}");
            }
        }
    }

    private static IpAddr Vip(int service) => IpAddr.FromV4(0x0A60_0000u + (uint)service);

    private static IpAddr[] Universe(int service) =>
        [.. Enumerable.Range(1, 6).Select(i => IpAddr.FromV4(0x0A00_0000u + ((uint)(service + 1) << 16) + (uint)i))];

    private static ServiceSpec Spec(int service, IEnumerable<IpAddr> backends, bool affinity) => new()
    {
        Address = Vip(service),
        Port = 80,
        Backends = [.. backends.Select(b => new BackendSpec(b, 8080))],
        AffinityTimeout = affinity ? TimeSpan.FromSeconds(30) : null,
    };
}
