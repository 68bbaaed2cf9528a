namespace PerfKit.Maps.Internal;

/// <summary>
/// The kernel's <c>pcpu_freelist</c> for preallocated hash maps: one LIFO free list per CPU (linked through a
/// next-index array of its own), each under its own lock. Pop tries the current CPU, then the others in
/// order; push goes to the current CPU. Populated as the kernel does, a contiguous block of nodes per CPU. Only one
/// of these locks is held at a time.
/// </summary>
internal sealed class PerCpuFreeList
{
    private readonly int[] _next; // the free-list links, one per node
    private readonly CpuList[] _cpus;

    public PerCpuFreeList(int capacity, int possibleCpus)
    {
        _next = new int[capacity];
        _cpus = new CpuList[possibleCpus];
        for (int cpu = 0; cpu < possibleCpus; cpu++)
        {
            _cpus[cpu] = new CpuList();
        }

        // pcpu_freelist_populate: CPU 0 gets the first capacity/cpus + 1 nodes, CPU 1 the next block, and so on,
        // each pushed in index order (so popped highest first). One CPU's allocations are then neighbours in
        // memory, so entries added one after another (a service's slots) share cache lines.
        int perCpu = (capacity / possibleCpus) + 1;
        for (int n = 0; n < capacity; n++)
        {
            Push(_cpus[n / perCpu], n);
        }
    }

    public int Pop()
    {
        int cpu = PerfKit.Cpu.IndexFor(_cpus.Length);
        for (int tried = 0; tried < _cpus.Length; tried++, cpu = cpu + 1 == _cpus.Length ? 0 : cpu + 1)
        {
            CpuList list = _cpus[cpu];
            // An empty list is passed over without its lock, as ___pcpu_freelist_pop does (READ_ONCE(head->first)):
            // in a full map every failing update walks all the lists, and reads keep their lines shared between CPUs
            // where taking each lock would move them back and forth. A push racing this read is missed, as in the kernel.
            if (Volatile.Read(ref list.Head) < 0)
            {
                continue;
            }

            using (list.Lock.EnterScope())
            {
                int n = list.Head;
                if (n >= 0)
                {
                    list.Head = _next[n];
                    list.Count--;
                    return n;
                }
            }
        }

        return -1;
    }

    public void Push(int n) => Push(_cpus[PerfKit.Cpu.IndexFor(_cpus.Length)], n);

    /// <summary>Free nodes on all lists: each list's count is changed under its lock; exact when no pop or push is in flight.</summary>
    public int FreeCount
    {
        get
        {
            int free = 0;
            foreach (CpuList list in _cpus)
            {
                free += Volatile.Read(ref list.Count); // a fresh read per call, taken without the list's lock
            }

            return free;
        }
    }

    /// <summary>Marks in <paramref name="onList"/> every node found on a free list; reports a node found twice. Quiescent only.</summary>
    public int Audit(bool[] onList, List<string> problems)
    {
        int total = 0;
        for (int cpu = 0; cpu < _cpus.Length; cpu++)
        {
            int length = 0;
            for (int n = _cpus[cpu].Head; n >= 0 && length <= onList.Length; n = _next[n], length++)
            {
                if (onList[n])
                {
                    problems.Add($"node {n} is on a free list twice");
                }

                onList[n] = true;
            }

            if (length != _cpus[cpu].Count)
            {
                problems.Add($"CPU {cpu}'s free list holds {length} nodes but counts {_cpus[cpu].Count}");
            }

            total += length;
        }

        return total;
    }

    private void Push(CpuList list, int n)
    {
        using (list.Lock.EnterScope())
        {
            _next[n] = list.Head;
            list.Head = n;
            list.Count++;
        }
    }

    private sealed class CpuList
    {
        public RawSpinLock Lock; // mutable struct: used in place
        public int Head = -1;
        public int Count;

        // Keeps neighbouring CPUs' lists (allocated one after another) off each other's cache lines.
        private CacheLinePadding _padding;
    }
}
