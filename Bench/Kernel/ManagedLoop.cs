using System.Diagnostics;
using System.Runtime.CompilerServices;
using HdrHistogram;
using PerfKit.Bench.Infrastructure;
using PerfKit.Maps;

namespace PerfKit.Bench.Kernel;

/// <summary>A PerfKit map as the baseline loops use it: a program lookup, a BPF_ANY update.</summary>
public interface ILoopMap
{
    /// <summary>Looks <paramref name="key"/> up as a program does.</summary>
    bool Lookup(ulong key);

    /// <summary>Updates with BPF_ANY.</summary>
    void Update(ulong key, ulong value);
}

/// <summary><see cref="LruHashMap{TKey, TValue}"/> in the loops.</summary>
public readonly struct LruLoopMap(LruHashMap<ulong, ulong> map) : ILoopMap
{
    /// <inheritdoc />
    public bool Lookup(ulong key) => map.TryLookup(key, out _);

    /// <inheritdoc />
    public void Update(ulong key, ulong value) => map.Update(key, value);
}

/// <summary><see cref="HashMap{TKey, TValue}"/> in the loops.</summary>
public readonly struct HashLoopMap(HashMap<ulong, ulong> map) : ILoopMap
{
    /// <inheritdoc />
    public bool Lookup(ulong key) => map.TryLookup(key, out _);

    /// <inheritdoc />
    public void Update(ulong key, ulong value) => map.Update(key, value);
}

/// <summary>
/// The managed twin of <see cref="KernelLoop"/>: the same stream walk (key = stream[(position + i) &amp; mask]),
/// the same workload per key, timed with the stopwatch; <see cref="LoopWorkload.Overhead"/> walks the stream
/// alone, to be subtracted as the kernel's loop is.
/// </summary>
public static class ManagedLoop
{
    /// <summary>Runs <paramref name="operations"/> iterations from <paramref name="position"/>; returns the elapsed nanoseconds.</summary>
    public static double Run<TMap>(TMap map, LoopWorkload workload, ulong[] stream, ref long position, int operations)
        where TMap : struct, ILoopMap
    {
        long start = Stopwatch.GetTimestamp();
        ulong sink = workload switch
        {
            LoopWorkload.Overhead => Overhead(stream, position, operations),
            LoopWorkload.Lookup => Lookups(map, stream, position, operations),
            LoopWorkload.Update => Updates(map, stream, position, operations),
            _ => GetOrAdds(map, stream, position, operations),
        };
        double elapsed = Stopwatch.GetElapsedTime(start).TotalNanoseconds;
        position += operations;
        GC.KeepAlive(sink);
        return elapsed;
    }

    /// <summary>Get-or-add with every operation's latency recorded in <paramref name="histogram"/> (nanoseconds, the clock read included).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RecordGetOrAdds<TMap>(TMap map, ulong[] stream, ref long position, int operations, HistogramBase histogram)
        where TMap : struct, ILoopMap
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(histogram);
        int mask = stream.Length - 1;
        for (int i = 0; i < operations; i++)
        {
            ulong key = stream[(int)(position + i) & mask];
            long start = Stopwatch.GetTimestamp();
            if (!map.Lookup(key))
            {
                map.Update(key, key);
            }

            LatencyHistogram.RecordSince(histogram, start);
        }

        position += operations;
    }

    // The loops are compiled fully optimized at once (AggressiveOptimization): a measurement calls each only a few
    // times, too few for tiered compilation to replace its on-stack-replacement code, so its figures would depend on
    // how far tiering had got. The map members they call inline into them as usual.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static ulong Overhead(ulong[] stream, long position, int operations)
    {
        int mask = stream.Length - 1;
        ulong sum = 0;
        for (int i = 0; i < operations; i++)
        {
            sum += stream[(int)(position + i) & mask];
        }

        return sum;
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static ulong Lookups<TMap>(TMap map, ulong[] stream, long position, int operations)
        where TMap : struct, ILoopMap
    {
        int mask = stream.Length - 1;
        ulong hits = 0;
        for (int i = 0; i < operations; i++)
        {
            hits += map.Lookup(stream[(int)(position + i) & mask]) ? 1UL : 0UL;
        }

        return hits;
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static ulong Updates<TMap>(TMap map, ulong[] stream, long position, int operations)
        where TMap : struct, ILoopMap
    {
        int mask = stream.Length - 1;
        for (int i = 0; i < operations; i++)
        {
            map.Update(stream[(int)(position + i) & mask], (ulong)i);
        }

        return 0;
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static ulong GetOrAdds<TMap>(TMap map, ulong[] stream, long position, int operations)
        where TMap : struct, ILoopMap
    {
        int mask = stream.Length - 1;
        ulong misses = 0;
        for (int i = 0; i < operations; i++)
        {
            ulong key = stream[(int)(position + i) & mask];
            if (!map.Lookup(key))
            {
                map.Update(key, (ulong)i);
                misses++;
            }
        }

        return misses;
    }
}
