namespace PerfKit;

/// <summary>
/// One value of <typeparamref name="T"/> per possible CPU, each on cache lines of its own so that neighbouring
/// CPUs never write to a shared line.
/// </summary>
/// <typeparam name="T">
/// The per-CPU state. Unmanaged, so that the padding stays where it is declared (the runtime may reorder the
/// fields of a struct that holds references).
/// </typeparam>
public sealed class PerCpu<T>
    where T : unmanaged
{
    private readonly Slot[] _slots;

    /// <summary>Creates the container with every slot set to <c>default</c>.</summary>
    /// <param name="possibleCpus">The number of CPUs, from 1 to <see cref="Cpu.MaxCpus"/>.</param>
    public PerCpu(int possibleCpus)
    {
        Cpu.ValidatePossibleCpus(possibleCpus, nameof(possibleCpus));
        _slots = new Slot[possibleCpus];
    }

    /// <summary>The number of slots (possible CPUs).</summary>
    public int Count => _slots.Length;

    /// <summary>The slot of CPU <paramref name="cpu"/>.</summary>
    /// <exception cref="IndexOutOfRangeException"><paramref name="cpu"/> is not below <see cref="Count"/>.</exception>
    public ref T this[int cpu] => ref _slots[cpu].Value;

    /// <summary>The slot of the current CPU, <see cref="Cpu.IndexFor"/>(<see cref="Count"/>).</summary>
    public ref T Current => ref _slots[Cpu.IndexFor(_slots.Length)].Value;

    // Padding before the value keeps slot 0 off the array header's line (read by every bounds check) and keeps
    // each value at least a cache line from its neighbours; the trailing padding does the same for whatever
    // object the allocator places after the array.
    private struct Slot
    {
        private CacheLinePadding _before;
        public T Value;
        private CacheLinePadding _after;
    }
}
