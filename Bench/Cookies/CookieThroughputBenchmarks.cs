using BenchmarkDotNet.Attributes;
using PerfKit.Bench.Infrastructure;
using PerfKit.Cookies;
using PerfKit.Bench.Runs;

namespace PerfKit.Bench.Cookies;

/// <summary>
/// Cookie throughput with 1, 2 and 4 threads (the harness: a <see cref="ThreadGang"/> inside BenchmarkDotNet).
/// Every invocation issues <see cref="TotalOperations"/> operations split evenly over the threads, which start
/// together; Mean is therefore wall time per operation across all threads, and Mops/s the total rate.
/// Baseline: the shared atomic generator. Bounds: Interlocked.Increment on one shared long, and a plain
/// thread-local increment.
/// </summary>
[MemoryDiagnoser]
[ThroughputColumns]
[BenchmarkCategory(SuiteCategories.Cookies, SuiteCategories.Headline)]
public class CookieThroughputBenchmarks : IDisposable
{
    /// <summary>Operations per invocation, all threads together.</summary>
    public const int TotalOperations = 1 << 21;

    [ThreadStatic]
    private static long t_counter;

    private ThreadGang _gang = null!;
    private PaddedCounter _shared;
    private ulong[] _sinks = null!;
    private Action<int> _threadLocal = null!, _interlocked = null!, _sharedBody = null!, _perCpuBody = null!, _perThreadBody = null!;

    /// <summary>Threads issuing cookies at once.</summary>
    [Params(1, 2, 4)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _gang = new ThreadGang(Threads);
        var shared = new SharedSource(new SharedCookieGenerator());
        var perCpu = new PerCpuSource(new PerCpuCookieGenerator(Environment.ProcessorCount));
        var perThread = new PerThreadSource(new PerThreadCookieGenerator());
        _sinks = new ulong[Threads * 32]; // one slot per thread, 256 bytes apart
        int share = TotalOperations / Threads;
        _threadLocal = _ =>
        {
            for (int i = 0; i < share; i++)
            {
                t_counter++;
            }
        };
        _interlocked = _ =>
        {
            for (int i = 0; i < share; i++)
            {
                Interlocked.Increment(ref _shared.Value);
            }
        };
        _sharedBody = thread => _sinks[thread * 32] = CookieDraw.Many(shared, share);
        _perCpuBody = thread => _sinks[thread * 32] = CookieDraw.Many(perCpu, share);
        _perThreadBody = thread => _sinks[thread * 32] = CookieDraw.Many(perThread, share);
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _gang?.Dispose();
        GC.SuppressFinalize(this);
    }

    [Benchmark(OperationsPerInvoke = TotalOperations, Description = "thread-local increment (bound)")]
    public void ThreadLocalIncrement() => _gang.Run(_threadLocal);

    [Benchmark(OperationsPerInvoke = TotalOperations, Description = "Interlocked.Increment, one shared long")]
    public void InterlockedIncrement() => _gang.Run(_interlocked);

    [Benchmark(OperationsPerInvoke = TotalOperations, Baseline = true, Description = "SharedCookieGenerator")]
    public void Shared() => _gang.Run(_sharedBody);

    [Benchmark(OperationsPerInvoke = TotalOperations, Description = "PerCpuCookieGenerator")]
    public void PerCpu() => _gang.Run(_perCpuBody);

    [Benchmark(OperationsPerInvoke = TotalOperations, Description = "PerThreadCookieGenerator")]
    public void PerThread() => _gang.Run(_perThreadBody);
}
