using PerfKit.Diagnostics;
using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace PerfKit.Maps.Internal;

/// <summary>
/// The kernel's BPF LRU (kernel/bpf/bpf_lru_list.c): a second-chance active/inactive approximation of LRU over
/// preallocated nodes, in two flavors. Functions are named after the kernel's and after the list move they make.
/// </summary>
/// <remarks>
/// <para><b>Locks and their order.</b> Common flavor: each CPU's <see cref="LocalList.Lock"/> (a <see cref="RawSpinLock"/>, as the kernel's raw spinlocks) guards its local free
/// and pending lists; the global <see cref="LruList.Lock"/> guards active, inactive, free, the counts and the
/// rotation cursor. A local lock may be held while taking the global lock (refill), never the reverse, and never
/// two local locks at once (a steal takes one victim's lock at a time, with its own released). Per-CPU flavor:
/// one lock per CPU list, never two at once. The eviction callback takes a bucket lock inside any of these; no
/// LRU lock is ever taken with a bucket lock held.</para>
/// <para><b>The reference bit</b> is a racy byte: lookups set it without a lock (only when clear), and every list
/// move clears it.</para>
/// </remarks>
internal sealed class BpfLru<TKey, TValue>
    where TKey : unmanaged
    where TValue : unmanaged
{
    /// <summary>LOCAL_FREE_TARGET: the classic refill batch, and the upper clamp of the adaptive one.</summary>
    public const int LocalFreeTarget = 128;

    /// <summary>LOCAL_NR_SCANS: nodes visited per rotation or shrink pass, common flavor.</summary>
    public const int LocalNrScans = LocalFreeTarget;

    /// <summary>PERCPU_FREE_TARGET: nodes a per-CPU shrink tries to free.</summary>
    public const int PercpuFreeTarget = 4;

    /// <summary>PERCPU_NR_SCANS.</summary>
    public const int PercpuNrScans = PercpuFreeTarget;

    private readonly Node<TKey, TValue>[] _nodes;
    private readonly ListLinks[] _links; // the list links of bpf_lru_node, apart from the node lines lookups read
    private readonly HashTable<TKey, TValue> _table;
    private readonly bool _percpu;
    private readonly bool _stealBeforeShrink;
    private readonly int _cpus;
    private readonly int _nrScans;
    private readonly LruList _global = null!;          // common flavor
    private readonly LocalList[] _locals = [];         // common flavor, one per CPU
    private readonly LruList[] _percpuLists = [];      // per-CPU flavor, one per CPU
    // Slow-path counters, one set per CPU. Slot c is written only while CPU c's lock is held (its local lock in
    // the common flavor, its list lock in the per-CPU flavor), so plain increments suffice and the CPUs never
    // share a counter's cache line; readers sum the slots.
    private readonly PerCpu<LruCounters> _counters;

    public BpfLru(HashTable<TKey, TValue> table, LruFlavor flavor, int possibleCpus, int targetFree, bool stealBeforeShrink)
    {
        _table = table;
        _nodes = table.Nodes;
        _links = new ListLinks[_nodes.Length];
        _percpu = flavor == LruFlavor.PerCpu;
        _stealBeforeShrink = stealBeforeShrink && !_percpu;
        _cpus = possibleCpus;
        _counters = new PerCpu<LruCounters>(possibleCpus);
        TargetFree = targetFree;
        if (_percpu)
        {
            _nrScans = PercpuNrScans;
            _percpuLists = new LruList[possibleCpus];
            for (int cpu = 0; cpu < possibleCpus; cpu++)
            {
                _percpuLists[cpu] = InitList(new LruList(FirstSentinel(table.Capacity, cpu)));
            }

            PercpuPopulate();
        }
        else
        {
            _nrScans = LocalNrScans;
            _global = InitList(new LruList(FirstSentinel(table.Capacity, 0)));
            _locals = new LocalList[possibleCpus];
            for (int cpu = 0; cpu < possibleCpus; cpu++)
            {
                var loc = new LocalList(FirstSentinel(table.Capacity, cpu + 1), cpu);
                InitHead(loc.FreeHead, LruListType.LocalFree);
                InitHead(loc.PendingHead, LruListType.LocalPending);
                _locals[cpu] = loc;
            }

            CommonPopulate();
        }
    }

    /// <summary>Nodes the lists need after the element nodes: one group of up to three list-head sentinels per list set (the global lists and each CPU's).</summary>
    public static int SentinelCount(LruFlavor flavor, int possibleCpus) =>
        FirstSentinel(0, flavor == LruFlavor.PerCpu ? possibleCpus : possibleCpus + 1) + SentinelPadding;

    // Every list operation writes its list's head sentinels (their links), so groups of sentinels sit 16 slots
    // apart: 128 bytes in the links array, as PerCpu<T> keeps its slots, and more in the node array. Measured:
    // with CPU 0's and CPU 1's heads on shared lines the per-CPU flavor did not scale from 1 to 2 threads, and with
    // the gap sized for nodes rather than links, 2-thread per-CPU Zipf took 86 ns an operation instead of 20.
    // Group g holds up to three sentinels.
    private static int SentinelPadding => CacheLine.Size / Unsafe.SizeOf<ListLinks>();

    private static int FirstSentinel(int capacity, int group) => capacity + SentinelPadding + (group * (3 + SentinelPadding));

    /// <summary>Nodes a common-flavor refill moves to a CPU's local free list (the kernel's target_free).</summary>
    public int TargetFree { get; }

    /// <summary>The counters summed over CPUs (exact when no operation is in flight).</summary>
    public LruStatistics Statistics
    {
        get
        {
            var totals = default(KitTotals);
            LruCounters.AddAll(_counters, ref totals);
            return new LruStatistics(totals.Refills, totals.Evictions, totals.ForceShrinks, totals.Steals);
        }
    }

    /// <summary>
    /// Nodes handed out and not yet evicted or pushed back: the map's live entries, exact when no update or delete is
    /// in flight. Every term is counted under a lock the LRU already holds, so a linked or unlinked entry costs no
    /// atomic instruction (a shared Interlocked count cost ~5 ns per insert and per delete).
    /// </summary>
    public int LiveCount
    {
        get
        {
            long live = _percpu ? 0 : -Volatile.Read(ref _global.PushedFree); // a fresh read, taken without the global lock
            for (int cpu = 0; cpu < _counters.Count; cpu++)
            {
                ref LruCounters c = ref _counters[cpu];
                // Each slot is written under CPU cpu's lock; read without it, as the statistics are.
                live += Volatile.Read(ref c.Updates) - Volatile.Read(ref c.Evictions) - Volatile.Read(ref c.Frees);
            }

            return (int)live;
        }
    }

    // AggressiveInlining here and on the other hook-path members: without it the JIT inlined them only where tiered
    // PGO led it to, which varied between processes (measured; see the README, "The socket load balancer").
    /// <summary>bpf_lru_pop_free: a free node for the current CPU, evicting or stealing if needed; -1 if none.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int PopFree() => _percpu ? PercpuPopFree() : CommonPopFree();

    /// <summary>bpf_lru_push_free: returns a node that is no longer linked in the hash table.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void PushFree(int n)
    {
        if (_percpu)
        {
            int owner = _nodes[n].Cpu;
            LruList l = _percpuLists[owner];
            using (l.Lock.EnterScope())
            {
                NodeMove(l, n, LruListType.Free);
                _counters[owner].Frees++; // under the owner CPU's list lock
            }

            return;
        }

        // Read once without the lock; re-checked under the owner's lock, because a flush can move the node
        // from pending to the global list in between ("bpf_lru_list: Read double-checked variable once").
        byte type = Volatile.Read(ref _nodes[n].Type);
        Debug.Assert(type is not (LruListType.Free or LruListType.LocalFree), "pushing a node that is already free");
        if (type == LruListType.LocalPending)
        {
            int owner = _nodes[n].Cpu;
            LocalList loc = _locals[owner];
            using (loc.Lock.EnterScope())
            {
                if (_nodes[n].Type == LruListType.LocalPending)
                {
                    _nodes[n].Type = LruListType.LocalFree;
                    _nodes[n].Ref = 0;
                    ListMove(n, loc.FreeHead);
                    _counters[owner].Frees++; // under the owner CPU's local lock
                    return;
                }
            }
        }

        using (_global.Lock.EnterScope())
        {
            NodeMove(_global, n, LruListType.Free);
            _global.PushedFree++; // under the global lock
        }
    }

    // ---- common flavor -------------------------------------------------------------------------------------

    private void CommonPopulate()
    {
        // Every node onto the global free list in index order, each at the head (list_add).
        for (int n = 0; n < _table.Capacity; n++)
        {
            _nodes[n].Type = LruListType.Free;
            _nodes[n].Ref = 0;
            ListAdd(n, _global.FreeHead);
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
            while (nfree < TargetFree && !IsEmpty(_global.FreeHead))
            {
                MoveToFree(_global, First(_global.FreeHead), loc.FreeHead, LruListType.LocalFree);
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
        for (int n = Last(loc.PendingHead); n != loc.PendingHead;)
        {
            int prev = _links[n].Prev;
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
        ListAdd(n, loc.PendingHead);
    }

    // __local_list_pop_free: the head of the local free list (LIFO).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int LocalPopFree(LocalList loc)
    {
        if (IsEmpty(loc.FreeHead))
        {
            return -1;
        }

        int n = First(loc.FreeHead);
        ListDel(n);
        return n;
    }

    // __local_list_pop_pending: from the tail (oldest), first an unreferenced node whose delete from the hash
    // table succeeds, then, forced, any such node.
    private int LocalPopPending(LocalList loc, int cpu, ref LruEventReport report)
    {
        for (int pass = 0; pass < 2; pass++)
        {
            bool force = pass == 1;
            for (int n = Last(loc.PendingHead); n != loc.PendingHead; n = _links[n].Prev)
            {
                if ((_nodes[n].Ref == 0 || force) && _table.TryUnlinkNode(n))
                {
                    _counters[cpu].Evictions++; // under CPU cpu's local lock
                    report.RecordEviction(n, _nodes[n].Hash);
                    ListDel(n);
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
            if (other != cpu && Volatile.Read(ref _links[head].Next) != head)
            {
                holding++;
            }
        }

        return holding;
    }

    private int NextCpu(int cpu) => cpu + 1 == _cpus ? 0 : cpu + 1;

    // ---- per-CPU flavor ------------------------------------------------------------------------------------

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
            ListAdd(n, _percpuLists[cpu].FreeHead);
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
            if (IsEmpty(l.FreeHead))
            {
                Shrink(l, PercpuFreeTarget, l.FreeHead, LruListType.Free, cpu, ref report);
                _counters[cpu].Refills++;
            }

            if (!IsEmpty(l.FreeHead))
            {
                n = First(l.FreeHead);
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

    // ---- rotation and shrinking (both flavors; caller holds l.Lock) ----------------------------------------

    // __bpf_lru_list_rotate: the active list only when inactive is low, the inactive list always.
    private void Rotate(LruList l)
    {
        if (l.InactiveCount < l.ActiveCount)
        {
            RotateActive(l);
        }

        RotateInactive(l);
    }

    // __bpf_lru_list_rotate_active: from the tail, referenced nodes back to the head of active (second chance),
    // others to the head of inactive; at most nr_scans nodes, stopping at the node that was first.
    private void RotateActive(LruList l)
    {
        int first = First(l.ActiveHead);
        int i = 0;
        for (int n = Last(l.ActiveHead); n != l.ActiveHead;)
        {
            int prev = _links[n].Prev;
            NodeMove(l, n, _nodes[n].Ref != 0 ? LruListType.Active : LruListType.Inactive);
            if (++i == _nrScans || n == first)
            {
                break;
            }

            n = prev;
        }
    }

    // __bpf_lru_list_rotate_inactive: from the cursor backwards, circularly (skipping the head, at most one lap
    // and nr_scans nodes): referenced nodes to the head of active; unreferenced ones stay for the next shrink.
    private void RotateInactive(LruList l)
    {
        int head = l.InactiveHead;
        if (IsEmpty(head))
        {
            return;
        }

        int last = _links[l.NextInactiveRotation].Next;
        if (last == head)
        {
            last = _links[last].Next;
        }

        int cur = l.NextInactiveRotation;
        int next = head;
        int i = 0;
        while (i < _nrScans)
        {
            if (cur == head)
            {
                cur = _links[cur].Prev;
                continue;
            }

            next = _links[cur].Prev;
            if (_nodes[cur].Ref != 0)
            {
                NodeMove(l, cur, LruListType.Active);
            }

            if (cur == last)
            {
                break;
            }

            cur = next;
            i++;
        }

        l.NextInactiveRotation = next;
    }

    // __bpf_lru_list_shrink: the inactive shrink; if it freed nothing, force-shrink exactly one node ignoring the
    // reference bit (the tail of inactive, or of active when inactive is empty).
    // cpu: whose counters to charge; the caller holds that CPU's lock.
    private int Shrink(LruList l, int target, int freeHead, byte freeType, int cpu, ref LruEventReport report)
    {
        int freed = ShrinkInactive(l, target, freeHead, freeType, ref report);
        _counters[cpu].Evictions += freed;
        if (freed > 0)
        {
            return freed;
        }

        int forceList = !IsEmpty(l.InactiveHead) ? l.InactiveHead : l.ActiveHead;
        for (int n = Last(forceList); n != forceList; n = _links[n].Prev)
        {
            if (_table.TryUnlinkNode(n))
            {
                MoveToFree(l, n, freeHead, freeType);
                _counters[cpu].Evictions++;
                _counters[cpu].ForceShrinks++;
                report.RecordEviction(n, _nodes[n].Hash);
                report.ForceShrinks++;
                return 1;
            }
        }

        return 0;
    }

    // __bpf_lru_list_shrink_inactive: from the tail; referenced nodes to active, unreferenced ones deleted from the
    // hash table and moved to the free list, until target are freed or nr_scans nodes were visited.
    private int ShrinkInactive(LruList l, int target, int freeHead, byte freeType, ref LruEventReport report)
    {
        int freed = 0;
        int i = 0;
        for (int n = Last(l.InactiveHead); n != l.InactiveHead;)
        {
            int prev = _links[n].Prev;
            if (_nodes[n].Ref != 0)
            {
                NodeMove(l, n, LruListType.Active);
            }
            else if (_table.TryUnlinkNode(n))
            {
                MoveToFree(l, n, freeHead, freeType);
                report.RecordEviction(n, _nodes[n].Hash);
                if (++freed == target)
                {
                    break;
                }
            }

            if (++i == _nrScans)
            {
                break;
            }

            n = prev;
        }

        return freed;
    }

    // ---- the three primitive moves (caller holds l.Lock) ----------------------------------------------------

    // __bpf_lru_node_move: between or within active, inactive and free; always clears the reference bit and keeps
    // the rotation cursor valid.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void NodeMove(LruList l, int n, byte target)
    {
        ref Node<TKey, TValue> node = ref _nodes[n];
        Debug.Assert(!LruListType.IsLocal(node.Type) && !LruListType.IsLocal(target));
        if (node.Type != target)
        {
            CountDec(l, node.Type);
            CountInc(l, target);
            node.Type = target;
        }

        node.Ref = 0;
        if (n == l.NextInactiveRotation)
        {
            l.NextInactiveRotation = _links[n].Prev;
        }

        ListMove(n, l.HeadOf(target));
    }

    // __bpf_lru_node_move_in: from a local (pending) list into active or inactive; the cursor is not involved.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void NodeMoveIn(LruList l, int n, byte target)
    {
        Debug.Assert(LruListType.IsLocal(_nodes[n].Type) && !LruListType.IsLocal(target));
        CountInc(l, target);
        _nodes[n].Type = target;
        _nodes[n].Ref = 0;
        ListMove(n, l.HeadOf(target));
    }

    // __bpf_lru_node_move_to_free: from active or inactive (or the global free list) onto a free list, global or
    // local. Does not clear the reference bit; the pending and per-CPU pop paths do.
    private void MoveToFree(LruList l, int n, int freeHead, byte freeType)
    {
        Debug.Assert(!LruListType.IsLocal(_nodes[n].Type));
        if (n == l.NextInactiveRotation)
        {
            l.NextInactiveRotation = _links[n].Prev;
        }

        CountDec(l, _nodes[n].Type);
        _nodes[n].Type = freeType;
        ListMove(n, freeHead);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CountInc(LruList l, byte type)
    {
        if (type == LruListType.Active)
        {
            l.ActiveCount++;
        }
        else if (type == LruListType.Inactive)
        {
            l.InactiveCount++;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CountDec(LruList l, byte type)
    {
        if (type == LruListType.Active)
        {
            l.ActiveCount--;
        }
        else if (type == LruListType.Inactive)
        {
            l.InactiveCount--;
        }
    }

    // ---- integrity audit (tests and soak runs; call only when no operation is in flight) --------------------

    /// <summary>
    /// Walks every list: links consistent, each node's type matches its list, pending and per-CPU nodes carry
    /// their CPU, counts match, the rotation cursor is on the inactive list. Records in <paramref name="listOf"/>
    /// (indexed by node) the list type + 1 of each node seen; reports a node seen twice.
    /// </summary>
    public void Audit(byte[] listOf, List<string> problems)
    {
        if (_percpu)
        {
            for (int cpu = 0; cpu < _cpus; cpu++)
            {
                AuditList(_percpuLists[cpu], cpu, listOf, problems);
            }

            return;
        }

        AuditList(_global, -1, listOf, problems);
        for (int cpu = 0; cpu < _cpus; cpu++)
        {
            AuditChain(_locals[cpu].FreeHead, LruListType.LocalFree, -1, listOf, problems);
            AuditChain(_locals[cpu].PendingHead, LruListType.LocalPending, cpu, listOf, problems);
        }
    }

    private void AuditList(LruList l, int cpu, byte[] listOf, List<string> problems)
    {
        int active = AuditChain(l.ActiveHead, LruListType.Active, cpu, listOf, problems);
        int inactive = AuditChain(l.InactiveHead, LruListType.Inactive, cpu, listOf, problems);
        AuditChain(l.FreeHead, LruListType.Free, cpu, listOf, problems);
        if (active != l.ActiveCount || inactive != l.InactiveCount)
        {
            problems.Add($"counts active {l.ActiveCount}/inactive {l.InactiveCount} but lists hold {active}/{inactive}");
        }

        int cursor = l.NextInactiveRotation;
        if (cursor != l.InactiveHead && (cursor >= _table.Capacity || _nodes[cursor].Type != LruListType.Inactive))
        {
            problems.Add($"inactive-rotation cursor {cursor} is not on the inactive list");
        }
    }

    private int AuditChain(int head, byte type, int cpu, byte[] listOf, List<string> problems)
    {
        int length = 0;
        int prev = head;
        for (int n = _links[head].Next; n != head; prev = n, n = _links[n].Next)
        {
            if (n < 0 || n >= _table.Capacity || ++length > _table.Capacity)
            {
                problems.Add($"list of type {type} is corrupt at node {n}");
                return length;
            }

            if (_links[n].Prev != prev)
            {
                problems.Add($"node {n}: prev link {_links[n].Prev}, expected {prev}");
            }

            if (_nodes[n].Type != type)
            {
                problems.Add($"node {n} is on a list of type {type} but has type {_nodes[n].Type}");
            }

            if (cpu >= 0 && _nodes[n].Cpu != cpu)
            {
                problems.Add($"node {n} is on CPU {cpu}'s list but records CPU {_nodes[n].Cpu}");
            }

            if (listOf[n] != 0)
            {
                problems.Add($"node {n} is on two lists (types {listOf[n] - 1} and {type})");
            }

            listOf[n] = (byte)(type + 1);
        }

        return length;
    }

    // ---- circular doubly-linked lists through node indexes (list.h) -----------------------------------------

    private LruList InitList(LruList l)
    {
        InitHead(l.ActiveHead, LruListType.Active);
        InitHead(l.InactiveHead, LruListType.Inactive);
        InitHead(l.FreeHead, LruListType.Free);
        return l;
    }

    private void InitHead(int head, byte listType)
    {
        _links[head].Prev = head;
        _links[head].Next = head;
        _nodes[head].Type = LruListType.Sentinel;
        _nodes[head].Cpu = listType; // a sentinel records which list it heads (used only by the audit)
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool IsEmpty(int head) => _links[head].Next == head;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int First(int head) => _links[head].Next;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Last(int head) => _links[head].Prev;

    // list_add: insert right after the head.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void ListAdd(int n, int head)
    {
        int next = _links[head].Next;
        _links[n].Prev = head;
        _links[n].Next = next;
        _links[next].Prev = n;
        _links[head].Next = n;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void ListDel(int n)
    {
        int prev = _links[n].Prev;
        int next = _links[n].Next;
        _links[prev].Next = next;
        _links[next].Prev = prev;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void ListMove(int n, int head)
    {
        ListDel(n);
        ListAdd(n, head);
    }

    /// <summary>The counter cell to register with <see cref="PerfKitCounters"/> (holds the counters only, not the map).</summary>
    public IKitCounterCell CounterCell => new LruCounterCell(_counters);

    private sealed class LruCounterCell(PerCpu<LruCounters> counters) : IKitCounterCell
    {
        public void AddTo(ref KitTotals totals) => LruCounters.AddAll(counters, ref totals);
    }

    private struct LruCounters
    {
        public long Updates;
        public long Refills;
        public long Evictions;
        public long ForceShrinks;
        public long Steals;
        public long Frees;

        // Each CPU's counters are written under that CPU's lock; these reads take no lock, so a sum may be one
        // update old on a CPU with an operation in flight. Statistics says so; counter polls only want rates.
        // Volatile: whole 64-bit reads, never torn on 32-bit, and never hoisted out of a polling loop.
        public static void AddAll(PerCpu<LruCounters> counters, ref KitTotals totals)
        {
            for (int cpu = 0; cpu < counters.Count; cpu++)
            {
                ref LruCounters c = ref counters[cpu];
                totals.Updates += Volatile.Read(ref c.Updates);
                totals.Refills += Volatile.Read(ref c.Refills);
                totals.Evictions += Volatile.Read(ref c.Evictions);
                totals.ForceShrinks += Volatile.Read(ref c.ForceShrinks);
                totals.Steals += Volatile.Read(ref c.Steals);
            }
        }
    }
}
