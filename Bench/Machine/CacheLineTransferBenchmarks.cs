using BenchmarkDotNet.Attributes;
using PerfKit.Bench.Infrastructure;
using PerfKit.Bench.Runs;

namespace PerfKit.Bench.Machine;

/// <summary>
/// What this machine charges for moving one cache line from one core to the other: two threads hand a counter back
/// and forth through a single padded 64-bit cell, each waiting for the other's write before making its own. The
/// figure is per hand-off (one way). It is the price of every line two threads both write, and so the context for
/// the multi-threaded map figures (a shared map's inserts and evictions write lines the other thread reads).
/// </summary>
[BenchmarkCategory(SuiteCategories.Maps, SuiteCategories.Headline)]
public class CacheLineTransferBenchmarks : IDisposable
{
    /// <summary>Round trips per invocation.</summary>
    public const int RoundTrips = 1 << 15;

    private ThreadGang _gang = null!;
    private PaddedCounter _cell;
    private long _base;
    private Action<int> _body = null!;

    [GlobalSetup]
    public void Setup()
    {
        _gang = new ThreadGang(2);
        _body = HandOffs;
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _gang?.Dispose();
        GC.SuppressFinalize(this);
    }

    [Benchmark(OperationsPerInvoke = 2 * RoundTrips, Description = "one cache line handed between 2 threads (per hand-off)")]
    public void HandOff()
    {
        _gang.Run(_body);
        _base += 2 * RoundTrips; // the next run's values continue from here, so no reset can race a member
    }

    // Member 0 writes the odd values and waits for the even ones; member 1 the reverse. Volatile: each read must see
    // the other core's latest write (acquire), and each write must publish (release); the spin reads are the
    // transfers being measured.
    private void HandOffs(int member)
    {
        long start = _base; // published to both members by the gang's release barrier
        for (long i = 0; i < RoundTrips; i++)
        {
            long odd = start + (2 * i) + 1;
            if (member == 0)
            {
                Volatile.Write(ref _cell.Value, odd);
                while (Volatile.Read(ref _cell.Value) != odd + 1)
                {
                }
            }
            else
            {
                while (Volatile.Read(ref _cell.Value) != odd)
                {
                }

                Volatile.Write(ref _cell.Value, odd + 1);
            }
        }
    }
}
