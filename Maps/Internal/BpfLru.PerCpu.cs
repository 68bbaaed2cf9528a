using PerfKit.Diagnostics;
using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace PerfKit.Maps.Internal;

/// <summary>The per-CPU flavor (BPF_F_NO_COMMON_LRU): one whole LRU per CPU; nodes never move between CPUs.</summary>
internal sealed partial class BpfLru<TKey, TValue>
{
    private void PercpuPopulate()
    {
        // CPU c owns nodes [c·share, (c+1)·share): nodes never move between CPUs.
        int share = _table.Capacity / _cpus;
        for (int n = 0; n < _table.Capacity; n++)
        {
            int cpu = n / share;
            _nodes[n].Cpu = (ushort)cpu;
            _nodes[n].Type = LruListType.Free;
            _nodes[n].Ref = 0;
            _links.Add(n, _percpuLists[cpu].FreeHead);
        }
    }

    // bpf_percpu_lru_pop_free: rotate on every allocation; shrink PERCPU_FREE_TARGET when the free list is
    // empty; the node goes straight to the head of inactive (no pending stage).
    private int PercpuPopFree()
    {
        int cpu = PerfKit.Cpu.IndexFor(_cpus);
        LruList l = _percpuLists[cpu];
        var report = new LruEventReport(cpu, PercpuFreeTarget, stackalloc int[2 * PercpuFreeTarget]);
        int n = -1;
        using (l.Lock.EnterScope())
        {
            Rotate(l);
            if (_links.IsEmpty(l.FreeHead))
            {
                Shrink(l, PercpuFreeTarget, l.FreeHead, LruListType.Free, cpu, ref report);
                _counters[cpu].Refills++;
            }

            if (!_links.IsEmpty(l.FreeHead))
            {
                n = _links.First(l.FreeHead);
                _nodes[n].Ref = 0;
                NodeMove(l, n, LruListType.Inactive);
                _counters[cpu].Updates++;
            }
        }

        // The per-CPU flavor shrinks every few allocations by design: its shrinks are reported at Verbose only (at
        // Informational they would be one event per four updates); force-shrinks and the counters are always kept.
        if (report.ForceShrinks > 0 ? PerfKitEventSource.MapsOn : report.Evicted > 0 && PerfKitEventSource.MapEvictionsOn)
        {
            report.Emit();
        }

        return n;
    }
}
