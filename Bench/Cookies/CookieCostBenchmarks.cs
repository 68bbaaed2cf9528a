using BenchmarkDotNet.Attributes;
using PerfKit.Bench.Infrastructure;
using PerfKit.Cookies;
using PerfKit.Bench.Runs;

namespace PerfKit.Bench.Cookies;

/// <summary>
/// Single-thread cost of one cookie from each generator, against a plain thread-local increment (the floor)
/// and <see cref="Interlocked.Increment(ref long)"/> on one long (the cost of any locked instruction).
/// Each invocation draws <see cref="Batch"/> cookies, so the per-cookie figure is not dominated by call overhead.
/// </summary>
[MemoryDiagnoser]
[ThroughputColumns]
[BenchmarkCategory(SuiteCategories.Cookies)]
public class CookieCostBenchmarks
{
    /// <summary>Cookies per invocation.</summary>
    public const int Batch = 1024;

    [ThreadStatic]
    private static long t_counter;

    private long _shared;
    private SharedSource _sharedGenerator;
    private PerCpuSource _perCpu;
    private PerThreadSource _perThread;

    [GlobalSetup]
    public void Setup()
    {
        _sharedGenerator = new(new SharedCookieGenerator());
        _perCpu = new(new PerCpuCookieGenerator(Environment.ProcessorCount));
        _perThread = new(new PerThreadCookieGenerator());
    }

    [Benchmark(OperationsPerInvoke = Batch, Description = "thread-local increment (floor)")]
    public long ThreadLocalIncrement()
    {
        for (int i = 0; i < Batch; i++)
        {
            t_counter++;
        }

        return t_counter;
    }

    [Benchmark(OperationsPerInvoke = Batch, Description = "Interlocked.Increment, one long")]
    public long InterlockedIncrement()
    {
        long last = 0;
        for (int i = 0; i < Batch; i++)
        {
            last = Interlocked.Increment(ref _shared);
        }

        return last;
    }

    [Benchmark(OperationsPerInvoke = Batch, Baseline = true, Description = "SharedCookieGenerator")]
    public ulong Shared() => CookieDraw.Many(_sharedGenerator, Batch);

    [Benchmark(OperationsPerInvoke = Batch, Description = "PerCpuCookieGenerator")]
    public ulong PerCpu() => CookieDraw.Many(_perCpu, Batch);

    [Benchmark(OperationsPerInvoke = Batch, Description = "PerThreadCookieGenerator")]
    public ulong PerThread() => CookieDraw.Many(_perThread, Batch);

}
