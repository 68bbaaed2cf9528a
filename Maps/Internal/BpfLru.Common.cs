using PerfKit.Diagnostics;
using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace PerfKit.Maps.Internal;

/// <summary>The common flavor: per-CPU local free and pending lists in front of one global LRU, refills, flushes and steals.</summary>
internal sealed partial class BpfLru<TKey, TValue>
{
    private void CommonPopulate()
    {
        // Every node onto the global free list in index order, each at the head (list_add).
        for (int n = 0; n < _table.Capacity; n++)
        {
            _nodes[n].Type = LruListType.Free;
            _nodes[n].Ref = 0;
            _links.Add(n, _global.FreeHead);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int CommonPopFree()
    {
        int cpu = PerfKit.Cpu.IndexFor(_cpus);
        LocalList loc = _locals[cpu];
        using (loc.Lock.EnterScope())
        {
            int n = LocalPopFree(loc);
            if (n >= 0)
            {
                LocalAddPending(loc, cpu, n);
                return n;
            }
        }

        return CommonPopFreeSlow(loc, cpu);
    }

    // The local free list was empty: refill (and shrink), or steal. The local lock is taken again, so the pop is
    // retried first in case another thread of this CPU refilled in between. Events are raised after every lock
    // is released.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private int CommonPopFreeSlow(LocalList loc, int cpu)
    {
        var report = new LruEventReport(cpu, TargetFree, stackalloc int[2 * LocalFreeTarget]);
        int n = PopOrRefill(loc, cpu, shrink: !_stealBeforeShrink, ref report);
        if (n < 0 && _stealBeforeShrink)
        {
            n = StealFromOtherLocalFreeLists(cpu, ref report);
            if (n >= 0)
            {
                using (loc.Lock.EnterScope())
                {
                    LocalAddPending(loc, cpu, n);
                }
            }
            else
            {
                n = PopOrRefill(loc, cpu, shrink: true, ref report); // nobody has a free node left: only now evict
            }
        }

        if (n < 0)
        {
            n = StealRoundRobin(loc, cpu, ref report);
        }

        report.Emit();
        return n;
    }

    private int PopOrRefill(LocalList loc, int cpu, bool shrink, ref LruEventReport report)
    {
        using (loc.Lock.EnterScope())
        {
            int n = LocalPopFree(loc);
            if (n < 0)
            {
                PopFreeToLocal(loc, cpu, shrink, ref report);
                n = LocalPopFree(loc);
            }

            if (n >= 0)
            {
                LocalAddPending(loc, cpu, n);
            }

            return n;
        }
    }

    // bpf_lru_list_pop_free_to_local: flush pending → rotate → take up to target_free free nodes → shrink the
    // shortfall. Called with the local lock held; takes the global lock inside it.
    private void PopFreeToLocal(LocalList loc, int cpu, bool shrink, ref LruEventReport report)
    {
        using (_global.Lock.EnterScope())
        {
            LocalListFlush(loc);
            Rotate(_global);
            int nfree = 0;
            while (nfree < TargetFree && !_links.IsEmpty(_global.FreeHead))
            {
                MoveToFree(_global, _links.First(_global.FreeHead), loc.FreeHead, LruListType.LocalFree);
                nfree++;
            }

            report.Refilled = nfree;
            if (nfree < TargetFree && shrink && Shrink(_global, TargetFree - nfree, loc.FreeHead, LruListType.LocalFree, cpu, ref report) > 0
                && PerfKitEventSource.MapsOn)
            {
                report.CpusHoldingFreeNodes = CpusHoldingFreeNodes(cpu); // racy reads: a diagnostic, not a decision
            }
        }

        _counters[cpu].Refills++; // under CPU cpu's local lock
    }

    // The kernel's last resort: other CPUs' (and our own) local free lists, then their pending lists from the
    // tail, round robin from next_steal; one victim lock at a time, with our own local lock released.
    private int StealRoundRobin(LocalList loc, int cpu, ref LruEventReport report)
    {
        int first = loc.NextSteal;
        int steal = first;
        int n;
        int victimCpu;
        do
        {
            victimCpu = steal;
            LocalList victim = _locals[steal];
            using (victim.Lock.EnterScope())
            {
                n = LocalPopFree(victim);
                if (n < 0)
                {
                    n = LocalPopPending(victim, steal, ref report);
                }
            }

            steal = NextCpu(steal);
        }
        while (n < 0 && steal != first);

        loc.NextSteal = steal; // racy by design, as in the kernel: only a starting point for the next steal
        if (n >= 0)
        {
            using (loc.Lock.EnterScope())
            {
                LocalAddPending(loc, cpu, n);
                _counters[cpu].Steals++;
            }

            report.StolenFrom = victimCpu;
        }

        return n;
    }

    // Beyond the kernel (StealBeforeShrink): one free node from another CPU's local free list, never a pending one.
    private int StealFromOtherLocalFreeLists(int cpu, ref LruEventReport report)
    {
        for (int steal = NextCpu(cpu); steal != cpu; steal = NextCpu(steal))
        {
            LocalList victim = _locals[steal];
            using (victim.Lock.EnterScope())
            {
                int n = LocalPopFree(victim);
                if (n >= 0)
                {
                    _counters[steal].Steals++; // under the victim's lock
                    report.StolenFrom = steal;
                    return n;
                }
            }
        }

        return -1;
    }

    // __local_list_flush: pending nodes, oldest first, into the global list: referenced to active, others to
    // inactive; every move clears the reference bit.
    private void LocalListFlush(LocalList loc)
    {
        for (int n = _links.Last(loc.PendingHead); n != loc.PendingHead;)
        {
            int prev = _links.Prev(n);
            NodeMoveIn(_global, n, _nodes[n].Ref != 0 ? LruListType.Active : LruListType.Inactive);
            n = prev;
        }
    }

    // __local_list_add_pending (the map writes the hash with the key, under the node's sequence counter).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void LocalAddPending(LocalList loc, int cpu, int n)
    {
        _counters[cpu].Updates++; // every node handed to an update passes here, under CPU cpu's local lock
        _nodes[n].Cpu = (ushort)cpu;
        _nodes[n].Type = LruListType.LocalPending;
        _nodes[n].Ref = 0;
        _links.Add(n, loc.PendingHead);
    }

    // __local_list_pop_free: the head of the local free list (LIFO).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int LocalPopFree(LocalList loc)
    {
        if (_links.IsEmpty(loc.FreeHead))
        {
            return -1;
        }

        int n = _links.First(loc.FreeHead);
        _links.Delete(n);
        return n;
    }

    // __local_list_pop_pending: from the tail (oldest), first an unreferenced node whose delete from the hash
    // table succeeds, then, forced, any such node.
    private int LocalPopPending(LocalList loc, int cpu, ref LruEventReport report)
    {
        for (int pass = 0; pass < 2; pass++)
        {
            bool force = pass == 1;
            for (int n = _links.Last(loc.PendingHead); n != loc.PendingHead; n = _links.Prev(n))
            {
                if ((_nodes[n].Ref == 0 || force) && DelFromHtab(n))
                {
                    _counters[cpu].Evictions++; // under CPU cpu's local lock
                    report.RecordEviction(n, _nodes[n].Hash);
                    _links.Delete(n);
                    return n;
                }
            }
        }

        return -1;
    }

    // Other CPUs whose local free lists are not empty (read without their locks).
    private int CpusHoldingFreeNodes(int cpu)
    {
        int holding = 0;
        for (int other = 0; other < _cpus; other++)
        {
            int head = _locals[other].FreeHead;
            // Unlocked peek at another CPU's list head, racing its owner's pushes and pops: a stale answer only
            // miscounts this diagnostic (the caller's event field); no list decision depends on it.
            if (other != cpu && _links.NextVolatile(head) != head)
            {
                holding++;
            }
        }

        return holding;
    }

    private int NextCpu(int cpu) => cpu + 1 == _cpus ? 0 : cpu + 1;
}
