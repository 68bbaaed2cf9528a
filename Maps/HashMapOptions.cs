namespace PerfKit.Maps;

/// <summary>How to build a <see cref="HashMap{TKey, TValue}"/>.</summary>
public sealed class HashMapOptions
{
    /// <summary>The maximum number of entries, from 1 to <see cref="LruHashMap{TKey, TValue}.MaxCapacity"/>; all nodes are preallocated.</summary>
    public required int MaxEntries { get; init; }

    /// <summary>Number of per-CPU free lists; the current CPU is <c>Cpu.Current % PossibleCpus</c>.</summary>
    public int PossibleCpus { get; init; } = Environment.ProcessorCount;

    /// <summary>The hash seed; null (default) for a random seed per map. See <see cref="LruHashMapOptions.HashSeed"/>.</summary>
    public ulong? HashSeed { get; init; }
}
