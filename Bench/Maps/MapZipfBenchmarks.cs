using BenchmarkDotNet.Attributes;
using PerfKit.Bench.Infrastructure;
using PerfKit.Bench.Kernel;
using PerfKit.Conformance;
using PerfKit.Maps;
using PerfKit.Bench.Runs;
using PerfKit.Maps.Planning;

namespace PerfKit.Bench.Maps;

/// <summary>
/// Mixed get-or-add under a Zipf(0.86) key distribution over 100,000 keys, with a capacity of 10 % of the key
/// space (10,000), at 1 and 2 threads (throughput harness: dedicated threads released together, 2^20 operations
/// per invocation split over them). Each thread replays its own precomputed sample stream. Baseline:
/// FastConcurrentLru. ConcurrentDictionary is unbounded, so after warm-up it only hits: the no-eviction ceiling.
/// "PerCpu, a map per thread" runs the per-CPU flavor's workload with nothing shared between the threads (each has
/// its own map of the same capacity): the scaling this machine allows for that work, measured in the same run.
/// The running kernel's LRU_HASH, both flavors, runs the same streams in BPF program loops, thread i pinned to CPU i;
/// its loop alone is a row to subtract (<c>-- kernel</c> reports the difference).
/// </summary>
[MemoryDiagnoser]
[ThroughputColumns]
[BenchmarkCategory(SuiteCategories.Maps, SuiteCategories.Headline)]
public class MapZipfBenchmarks : IDisposable
{
    /// <summary>Operations per invocation, all threads together.</summary>
    public const int TotalOperations = 1 << 20;

    private const int KeySpace = 100_000;
    private const int Capacity = KeySpace / 10;

    private ThreadGang _gang = null!;
    private MapContenders _maps = null!;
    private ulong[][] _samples = null!;
    private LruHashMap<ulong, ulong>[] _mapPerThread = null!;
    private KernelRow? _kernelCommon, _kernelPerCpu;
    private Action<int> _kernelCommonBody = null!, _kernelPerCpuBody = null!, _kernelLoopBody = null!;
    private Action<int> _dictionary = null!, _common = null!, _perCpu = null!, _perCpuMapPerThread = null!, _fastLru = null!, _lru = null!, _memoryCache = null!;

    /// <summary>Threads running the workload at once.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _gang = new ThreadGang(Threads);
        _maps = new MapContenders(Capacity);
        int share = TotalOperations / Threads;
        _samples = Enumerable.Range(0, Threads).Select(t => new ZipfSampler(KeySpace, 0.86, seed: 1000 + t).Sample(share)).ToArray();
        _dictionary = Body(_maps.DictionaryOps, share);
        _common = Body(_maps.CommonOps, share);
        _perCpu = Body(_maps.PerCpuOps, share);
        _mapPerThread = [.. Enumerable.Range(0, Threads).Select(_ => new LruHashMap<ulong, ulong>(new LruHashMapOptions { MaxEntries = Capacity, Flavor = LruFlavor.PerCpu }))];
        _perCpuMapPerThread = thread => MapOps.GetOrAdds(new LruContender(_mapPerThread[thread]), _samples[thread], 0, share);
        _fastLru = Body(_maps.FastLruOps, share);
        _lru = Body(_maps.LruOps, share);
        _memoryCache = Body(_maps.MemoryCacheOps, share);
    }

    [GlobalSetup(Targets = [nameof(KernelCommon), nameof(KernelPerCpu), nameof(KernelLoopAlone)])]
    public void SetupKernel()
    {
        Setup();
        int share = TotalOperations / Threads;
        _kernelCommon = new KernelRow(KernelMapKind.LruCommon, Capacity, [], _samples, LoopWorkload.LookupOrUpdate);
        _kernelPerCpu = new KernelRow(KernelMapKind.LruPerCpu, Capacity, [], _samples, LoopWorkload.LookupOrUpdate);
        _kernelCommonBody = _ => _kernelCommon.Run(share);
        _kernelPerCpuBody = _ => _kernelPerCpu.Run(share);
        _kernelLoopBody = _ => _kernelCommon.RunLoopAlone(share);
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _kernelCommon?.Dispose();
        _kernelPerCpu?.Dispose();
        _gang?.Dispose();
        _maps?.Dispose();
        GC.SuppressFinalize(this);
    }

    [Benchmark(OperationsPerInvoke = TotalOperations, Description = "ConcurrentDictionary.GetOrAdd (unbounded)")]
    public void Dictionary() => _gang.Run(_dictionary);

    [Benchmark(OperationsPerInvoke = TotalOperations, Description = "LruHashMap Common")]
    public void Common() => _gang.Run(_common);

    [Benchmark(OperationsPerInvoke = TotalOperations, Description = "LruHashMap PerCpu")]
    public void PerCpu() => _gang.Run(_perCpu);

    [Benchmark(OperationsPerInvoke = TotalOperations, Description = "LruHashMap PerCpu, a map per thread (nothing shared)")]
    public void PerCpuMapPerThread() => _gang.Run(_perCpuMapPerThread);

    [Benchmark(Baseline = true, OperationsPerInvoke = TotalOperations, Description = "FastConcurrentLru.GetOrAdd")]
    public void FastLru() => _gang.Run(_fastLru);

    [Benchmark(OperationsPerInvoke = TotalOperations, Description = "ConcurrentLru.GetOrAdd")]
    public void Lru() => _gang.Run(_lru);

    [Benchmark(OperationsPerInvoke = TotalOperations, Description = "MemoryCache get, set on miss")]
    public void MemoryCache() => _gang.Run(_memoryCache);

    [Benchmark(OperationsPerInvoke = TotalOperations, Description = "Kernel LRU_HASH, BPF program loop")]
    [BenchmarkCategory(KernelRow.Category)]
    public void KernelCommon() => _gang.Run(_kernelCommonBody);

    [Benchmark(OperationsPerInvoke = TotalOperations, Description = "Kernel LRU_HASH NO_COMMON_LRU, BPF program loop")]
    [BenchmarkCategory(KernelRow.Category)]
    public void KernelPerCpu() => _gang.Run(_kernelPerCpuBody);

    [Benchmark(OperationsPerInvoke = TotalOperations, Description = "Kernel, the BPF loop alone (subtract)")]
    [BenchmarkCategory(KernelRow.Category)]
    public void KernelLoopAlone() => _gang.Run(_kernelLoopBody);

    private Action<int> Body<TMap>(TMap map, int share)
        where TMap : struct, IMapContender =>
        thread => MapOps.GetOrAdds(map, _samples[thread], 0, share);
}
