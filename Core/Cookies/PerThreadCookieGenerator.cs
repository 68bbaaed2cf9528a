namespace PerfKit.Cookies;

/// <summary>
/// The cookie.h batching design with the thread as the unit that owns a block: each thread reserves blocks of
/// 4096 values from the shared forward counter and hands them out with plain, unsynchronised arithmetic. The
/// fastest generator here, and the default for socket cookies.
/// </summary>
/// <remarks>
/// <para>
/// The kernel disables preemption so that nothing but an interrupt can interleave with a CPU's generation. A
/// managed thread has exactly that property for its own state: only re-entry on the same thread (an event
/// listener that draws a cookie while a block is being reserved, say) can interleave, and the nesting counter
/// catches it and sends the nested call to the reverse counter, as in the kernel. No locked instruction is
/// executed except once per 4096 cookies.
/// </para>
/// <para>
/// Per-thread state lives in a small thread-static table indexed by generator; a generator that finds its entry
/// held by another generator takes it over, abandoning that generator's unused values (they are never issued,
/// like the values a kernel CPU strands). Cookies are unique and never 0 but not monotonic.
/// </para>
/// </remarks>
public sealed class PerThreadCookieGenerator : ICookieGenerator
{
    private const int EntriesPerThread = 8; // a power of two: generators index it with their id's low bits

    private static long s_lastGeneratorId;

    [ThreadStatic]
    private static ThreadState[]? t_entries;

    private readonly long _id;
    private readonly int _entry;
    private readonly CookieSpace _space;

    /// <summary>Creates the generator.</summary>
    /// <param name="firstCookie">Lowest value of the first forward block, at least 1.</param>
    /// <param name="reverseStart">First value of the reverse counter and the top of the space; above <paramref name="firstCookie"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside the range stated for it.</exception>
    public PerThreadCookieGenerator(ulong firstCookie = 1, ulong reverseStart = ulong.MaxValue)
    {
        _space = new CookieSpace(firstCookie, reverseStart);
        Diagnostics.PerfKitCounters.Register(this, _space.CounterCell);
        // Ids are never reused, so a thread's stale entry can never be mistaken for this generator's.
        _id = Interlocked.Increment(ref s_lastGeneratorId);
        _entry = (int)(_id & (EntriesPerThread - 1));
    }

    /// <summary>Values per block reserved from the shared forward counter.</summary>
    public static int BlockSize => CookieSpace.BlockSize;

    /// <summary>Blocks reserved from the forward counter so far.</summary>
    public long BlocksReserved => _space.BlocksReserved;

    /// <summary>Values requested from the reverse counter so far (nested callers).</summary>
    public long ReverseIssued => _space.ReverseIssued;

    /// <inheritdoc />
    public ulong NextCookie()
    {
        ref ThreadState state = ref (t_entries ??= new ThreadState[EntriesPerThread])[_entry];
        if (state.Owner != _id || state.Nesting != 0)
        {
            return NextSlow(ref state);
        }

        ulong last = state.Last;
        if (last == state.BlockEnd)
        {
            return NextFromNewBlock(ref state);
        }

        state.Last = ++last;
        return last;
    }

    /// <summary>Simulates a call nested inside a generation in progress on this thread (an interrupt in the kernel).</summary>
    /// <remarks>For tests: runs <paramref name="nested"/> while this thread's entry is marked as generating.</remarks>
    internal T RunNested<T>(Func<T> nested)
    {
        ref ThreadState state = ref (t_entries ??= new ThreadState[EntriesPerThread])[_entry];
        if (state.Owner != _id)
        {
            state = new ThreadState { Owner = _id };
        }

        state.Nesting++;
        try
        {
            return nested();
        }
        finally
        {
            state.Nesting--;
        }
    }

    private ulong NextSlow(ref ThreadState state)
    {
        if (state.Nesting != 0)
        {
            // Re-entered while this entry is mid-generation (for this or another generator sharing the entry).
            return _space.NextReverse();
        }

        // The entry belongs to another generator: take it over; its unused values are abandoned, never issued.
        state = new ThreadState { Owner = _id };
        return NextFromNewBlock(ref state);
    }

    private ulong NextFromNewBlock(ref ThreadState state)
    {
        // Nesting is raised while reserving so that a re-entrant call (from an event listener, later) goes to the
        // reverse counter instead of reading a half-updated entry.
        state.Nesting = 1;
        bool reserved = _space.TryReserveBlock(out ulong start);
        state.Nesting = 0;
        if (!reserved)
        {
            throw _space.ForwardExhausted();
        }

        state.BlockEnd = start + (CookieSpace.BlockSize - 1);
        state.Last = start;
        return start;
    }

    private struct ThreadState
    {
        public long Owner;
        public int Nesting;
        public ulong Last;
        public ulong BlockEnd;
    }
}
