using PerfKit.Diagnostics;
using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace PerfKit.Maps.Internal;

/// <summary>
/// The kernel's BPF LRU (kernel/bpf/bpf_lru_list.c): a second-chance active/inactive approximation of LRU over
/// preallocated nodes, in two flavors. Functions are named after the kernel's and after the list move they make.
/// This file holds what both flavors share: the entry points, rotation and shrinking, and the list moves;
/// BpfLru.Common.cs and BpfLru.PerCpu.cs the flavors, BpfLru.Audit.cs the integrity audit, IndexList the list.h
/// primitives, and the hash table is reached only through <see cref="DelFromHtab"/>.
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
internal sealed partial class BpfLru<TKey, TValue>
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
    private readonly ListLinks[] _links; // the list links of bpf_lru_node, apart from the node lines lookups read (IndexList)
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
                InitHead(loc.FreeHead);
                InitHead(loc.PendingHead);
                _locals[cpu] = loc;
            }

            CommonPopulate();
        }
    }

    /// <summary>Nodes the lists need after the element nodes: one group of up to three list-head sentinels per list set (the global lists and each CPU's).</summary>
    public static int SentinelCount(LruFlavor flavor, int possibleCpus) =>
        FirstSentinel(0, flavor == LruFlavor.PerCpu ? possibleCpus : possibleCpus + 1) + SentinelPadding;

    // Every list operation writes its list's head sentinels (their links), so groups of sentinels sit 16 slots
    // apart: 128 bytes in the links array, as PerCpu<T> keeps its slots, and more in the node array. Heads of two
    // CPUs on one line would make their list operations exchange that line, which stops the per-CPU flavor from
    // scaling; the gap is counted in links because the links array is what list moves write. Group g holds up to
    // three sentinels.
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
    /// atomic instruction (a shared Interlocked count would add a contended atomic to every insert and delete).
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

    // A hook-path member: inlined by policy (see AggressiveInlining in the README's "Build rules").
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
                    _links.Move(n, loc.FreeHead);
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
        int first = _links.First(l.ActiveHead);
        int i = 0;
        for (int n = _links.Last(l.ActiveHead); n != l.ActiveHead;)
        {
            int prev = _links.Prev(n);
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
        if (_links.IsEmpty(head))
        {
            return;
        }

        int last = _links.Next(l.NextInactiveRotation);
        if (last == head)
        {
            last = _links.Next(last);
        }

        int cur = l.NextInactiveRotation;
        int next = head;
        int i = 0;
        while (i < _nrScans)
        {
            if (cur == head)
            {
                cur = _links.Prev(cur);
                continue;
            }

            next = _links.Prev(cur);
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

        int forceList = !_links.IsEmpty(l.InactiveHead) ? l.InactiveHead : l.ActiveHead;
        for (int n = _links.Last(forceList); n != forceList; n = _links.Prev(n))
        {
            if (DelFromHtab(n))
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
        for (int n = _links.Last(l.InactiveHead); n != l.InactiveHead;)
        {
            int prev = _links.Prev(n);
            if (_nodes[n].Ref != 0)
            {
                NodeMove(l, n, LruListType.Active);
            }
            else if (DelFromHtab(n))
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
            l.NextInactiveRotation = _links.Prev(n);
        }

        _links.Move(n, l.HeadOf(target));
    }

    // __bpf_lru_node_move_in: from a local (pending) list into active or inactive; the cursor is not involved.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void NodeMoveIn(LruList l, int n, byte target)
    {
        Debug.Assert(LruListType.IsLocal(_nodes[n].Type) && !LruListType.IsLocal(target));
        CountInc(l, target);
        _nodes[n].Type = target;
        _nodes[n].Ref = 0;
        _links.Move(n, l.HeadOf(target));
    }

    // __bpf_lru_node_move_to_free: from active or inactive (or the global free list) onto a free list, global or
    // local. Does not clear the reference bit; the pending and per-CPU pop paths do.
    private void MoveToFree(LruList l, int n, int freeHead, byte freeType)
    {
        Debug.Assert(!LruListType.IsLocal(_nodes[n].Type));
        if (n == l.NextInactiveRotation)
        {
            l.NextInactiveRotation = _links.Prev(n);
        }

        CountDec(l, _nodes[n].Type);
        _nodes[n].Type = freeType;
        _links.Move(n, freeHead);
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

    // ---- the one way into the hash table -------------------------------------------------------------------

    // del_from_htab, the callback the kernel's LRU is created with (htab_lru_map_delete_node): unlinks an evicted
    // node from its bucket if it is still there.
    private bool DelFromHtab(int n)
    {
        if (!_table.TryUnlinkNode(n))
        {
            return false;
        }

        _evicted.Value++; // a plain count on a line of its own: exact for one thread (the planner), a lower bound under concurrency
        return true;
    }

    /// <summary>
    /// Entries evicted, counted with a plain increment where every eviction passes: exact when one thread uses the
    /// map (the planner reads it after every step, where summing <see cref="Statistics"/> over thousands of CPUs
    /// would cost more than the step); under concurrency increments can be lost, so use <see cref="Statistics"/>.
    /// </summary>
    public long EvictedUnsynchronized => _evicted.Value;

    // Padded: evictions write it, and it must not share a line with the fields every pop and push reads.
    private PaddedCounter _evicted;

    /// <summary>
    /// bpf_lru_node_set_ref: write only when clear, so a hot entry's cache line is not dirtied on every lookup. A plain
    /// byte store, also through a lookup's unlocked reference: racing a rotation that clears it, either value is fine.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SetRef(ref Node<TKey, TValue> node)
    {
        if (node.Ref == 0)
        {
            node.Ref = 1;
        }
    }

    private LruList InitList(LruList l)
    {
        InitHead(l.ActiveHead);
        InitHead(l.InactiveHead);
        InitHead(l.FreeHead);
        return l;
    }

    private void InitHead(int head)
    {
        _links.Init(head);
        _nodes[head].Type = LruListType.Sentinel;
    }
}
