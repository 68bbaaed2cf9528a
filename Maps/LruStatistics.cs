namespace PerfKit.Maps;

/// <summary>Counters of an LRU map's slow paths since it was created.</summary>
/// <param name="Refills">Refills of a CPU's local free list from the global list (common), or per-CPU shrinks (per-CPU flavor).</param>
/// <param name="Evictions">Live entries removed to free their nodes (shrinks, force shrinks, steals from pending lists).</param>
/// <param name="ForceShrinks">Shrinks that ignored the reference bit because nothing unreferenced could be freed.</param>
/// <param name="Steals">Nodes taken from another CPU's local lists.</param>
public readonly record struct LruStatistics(long Refills, long Evictions, long ForceShrinks, long Steals);
