namespace PerfKit.Maps.Internal;

/// <summary>The integrity audit (tests and soak runs; call only when no operation is in flight).</summary>
internal sealed partial class BpfLru<TKey, TValue>
{
    /// <summary>
    /// Walks every list: links consistent, each node's type matches its list, pending and per-CPU nodes carry
    /// their CPU, counts match, the rotation cursor is on the inactive list. Returns the list each node was on;
    /// reports a node seen twice.
    /// </summary>
    public LruMembership Audit(List<string> problems)
    {
        var listOf = new LruMembership(_table.Capacity);
        if (_percpu)
        {
            for (int cpu = 0; cpu < _cpus; cpu++)
            {
                AuditList(_percpuLists[cpu], cpu, listOf, problems);
            }

            return listOf;
        }

        AuditList(_global, -1, listOf, problems);
        for (int cpu = 0; cpu < _cpus; cpu++)
        {
            AuditChain(_locals[cpu].FreeHead, LruListType.LocalFree, -1, listOf, problems);
            AuditChain(_locals[cpu].PendingHead, LruListType.LocalPending, cpu, listOf, problems);
        }

        return listOf;
    }

    private void AuditList(LruList l, int cpu, LruMembership listOf, List<string> problems)
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

    private int AuditChain(int head, byte type, int cpu, LruMembership listOf, List<string> problems)
    {
        int length = 0;
        int prev = head;
        for (int n = _links.Next(head); n != head; prev = n, n = _links.Next(n))
        {
            if (n < 0 || n >= _table.Capacity || ++length > _table.Capacity)
            {
                problems.Add($"list of type {type} is corrupt at node {n}");
                return length;
            }

            if (_links.Prev(n) != prev)
            {
                problems.Add($"node {n}: prev link {_links.Prev(n)}, expected {prev}");
            }

            if (_nodes[n].Type != type)
            {
                problems.Add($"node {n} is on a list of type {type} but has type {_nodes[n].Type}");
            }

            if (cpu >= 0 && _nodes[n].Cpu != cpu)
            {
                problems.Add($"node {n} is on CPU {cpu}'s list but records CPU {_nodes[n].Cpu}");
            }

            byte before = listOf.ListOf(n);
            if (!listOf.Record(n, type))
            {
                problems.Add($"node {n} is on two lists (types {before} and {type})");
            }
        }

        return length;
    }
}
