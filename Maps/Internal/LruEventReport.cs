using PerfKit.Diagnostics;

namespace PerfKit.Maps.Internal;

/// <summary>
/// What one LRU slow path did (refill, shrink, force-shrink, steal, evictions), collected under the LRU's locks and
/// raised as <see cref="PerfKitEventSource"/> events by <see cref="Emit"/> after they are released, so that a
/// listener can call back into the map.
/// </summary>
internal ref struct LruEventReport
{
    private readonly Span<int> _evictions; // (node, hash) pairs, for the Verbose per-eviction events
    private int _logged;

    public LruEventReport(int cpu, int targetFree, Span<int> evictionLog)
    {
        Cpu = cpu;
        TargetFree = targetFree;
        _evictions = evictionLog;
    }

    public int Cpu { get; }

    public int TargetFree { get; }

    /// <summary>Nodes a refill took from the global free list, or -1 if no refill ran.</summary>
    public int Refilled { get; set; } = -1;

    public int Evicted { get; private set; }

    public int ForceShrinks { get; set; }

    /// <summary>The CPU a node was stolen from, or -1.</summary>
    public int StolenFrom { get; set; } = -1;

    /// <summary>Other CPUs whose local free lists held nodes when this path evicted (computed only while map events are on).</summary>
    public int CpusHoldingFreeNodes { get; set; }

    public void RecordEviction(int node, uint hash)
    {
        Evicted++;
        if (_logged + 2 <= _evictions.Length)
        {
            _evictions[_logged++] = node;
            _evictions[_logged++] = (int)hash;
        }
    }

    public readonly void Emit()
    {
        if (!PerfKitEventSource.MapsOn)
        {
            return;
        }

        PerfKitEventSource log = PerfKitEventSource.Log;
        if (Refilled >= 0)
        {
            log.LruRefill(Cpu, Refilled, TargetFree);
        }

        if (Evicted > 0)
        {
            log.LruShrink(Cpu, Evicted);
            if (CpusHoldingFreeNodes > 0)
            {
                log.LruPrematureEviction(Cpu, Evicted, CpusHoldingFreeNodes);
            }
        }

        for (int i = 0; i < ForceShrinks; i++)
        {
            log.LruForceShrink(Cpu);
        }

        if (StolenFrom >= 0)
        {
            log.LruSteal(Cpu, StolenFrom);
        }

        if (PerfKitEventSource.MapEvictionsOn)
        {
            for (int i = 0; i + 1 < _logged; i += 2)
            {
                log.LruEviction(_evictions[i], _evictions[i + 1]);
            }
        }
    }
}
