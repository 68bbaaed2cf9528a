namespace PerfKit.Cookies;

/// <summary>
/// The value space a batched generator draws from: the shared forward counter that hands out whole blocks
/// upwards from <see cref="FirstCookie"/>, and the reverse counter that hands out single values downwards from
/// <see cref="ReverseStart"/> (the kernel's <c>forward_last</c> and <c>reverse_last</c> in cookie.h).
/// </summary>
/// <remarks>
/// Neither counter wraps and the two never hand out the same value. Both are counts of what was issued, so they
/// only grow: once one side is exhausted, every later request on that side fails too. The forward side fails
/// when a block would pass <see cref="ReverseStart"/> (the end of the space) or reach the lowest value the
/// reverse side has issued; the reverse side fails when its next value is at or below the highest value any
/// forward block covers.
/// </remarks>
internal sealed class CookieSpace
{
    /// <summary>A counter cell reporting this space's issued values (whole reserved blocks plus reverse values).</summary>
    public Diagnostics.IKitCounterCell CounterCell => new SpaceCell(this);

    /// <summary>Values per forward block: the kernel's COOKIE_LOCAL_BATCH.</summary>
    public const int BlockSize = 4096;

    // Blocks reserved so far and reverse values issued so far. Each on its own cache lines: the forward counter
    // is touched once per 4096 cookies per CPU, the reverse counter only by nested callers.
    private PaddedCounter _blocksReserved;
    private PaddedCounter _reverseIssued;

    private readonly ulong _maxBlocks;
    private readonly ulong _reverseCapacity;

    public CookieSpace(ulong firstCookie, ulong reverseStart)
    {
        if (firstCookie == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(firstCookie), firstCookie, "Cookies are never 0: the first cookie must be at least 1.");
        }

        if (reverseStart <= firstCookie)
        {
            throw new ArgumentOutOfRangeException(nameof(reverseStart), reverseStart,
                $"The reverse counter must start above the first forward cookie ({firstCookie}).");
        }

        FirstCookie = firstCookie;
        ReverseStart = reverseStart;
        ulong span = reverseStart - firstCookie + 1; // cannot overflow: firstCookie >= 1
        _maxBlocks = span / BlockSize;
        _reverseCapacity = span;
    }

    /// <summary>The lowest value of the first forward block.</summary>
    public ulong FirstCookie { get; }

    /// <summary>The first (highest) value of the reverse counter, and the upper end of the space.</summary>
    public ulong ReverseStart { get; }

    /// <summary>Forward blocks reserved so far, including any refused for exhaustion.</summary>
    public long BlocksReserved => Volatile.Read(ref _blocksReserved.Value); // whole 64-bit read, never torn on 32-bit

    /// <summary>Reverse values requested so far, including any refused for exhaustion.</summary>
    public long ReverseIssued => Volatile.Read(ref _reverseIssued.Value); // whole 64-bit read, never torn on 32-bit

    /// <summary>Reserves the next forward block and returns its first value; the block ends <see cref="BlockSize"/> − 1 later.</summary>
    /// <returns><see langword="false"/> when the forward side is exhausted.</returns>
    public bool TryReserveBlock(out ulong blockStart)
    {
        // Full fence. Paired with the one in TryNextReverse, it closes the race in which a block reservation and a
        // reverse issue claim overlapping values at the same time: each side reads the other's counter only after
        // its own increment is globally visible, so of two overlapping claims the later one always sees the earlier.
        ulong block = (ulong)Interlocked.Increment(ref _blocksReserved.Value) - 1;
        blockStart = 0;
        if (block >= _maxBlocks)
        {
            return false;
        }

        ulong start = FirstCookie + (block * BlockSize);
        ulong end = start + (BlockSize - 1);
        // Read after the fenced increment above: see the overlap race described there.
        long reverse = Volatile.Read(ref _reverseIssued.Value);
        if (reverse > 0 && end >= LowestReverse(reverse))
        {
            return false;
        }

        blockStart = start;
        if (Diagnostics.PerfKitEventSource.CookiesOn)
        {
            // Raised while the caller's nesting counter is up: a listener that draws a cookie here is served by the
            // reverse counter, exactly like an interrupt during a kernel generation.
            Diagnostics.PerfKitEventSource.Log.CookieBlockReserved((long)start, (long)block + 1);
        }

        return true;
    }

    /// <summary>Issues the next value of the reverse counter (used by nested callers).</summary>
    /// <returns><see langword="false"/> when the reverse side is exhausted.</returns>
    public bool TryNextReverse(out ulong cookie)
    {
        // Full fence; see TryReserveBlock for the race it closes.
        ulong issued = (ulong)Interlocked.Increment(ref _reverseIssued.Value);
        cookie = 0;
        if (issued > _reverseCapacity)
        {
            return false;
        }

        ulong value = ReverseStart - (issued - 1);
        // Read after the fenced increment above: see the overlap race described in TryReserveBlock.
        ulong blocks = Math.Min((ulong)Volatile.Read(ref _blocksReserved.Value), _maxBlocks);
        if (blocks > 0 && value <= FirstCookie + (blocks * BlockSize) - 1)
        {
            return false;
        }

        cookie = value;
        return true;
    }

    /// <summary>Issues a reverse value or throws when the reverse side is exhausted.</summary>
    public ulong NextReverse()
    {
        if (!TryNextReverse(out ulong cookie))
        {
            throw ReverseExhausted();
        }

        return cookie;
    }

    public CookieSpaceExhaustedException ForwardExhausted() => new(
        $"The cookie generator's forward counter is exhausted: no whole block of {BlockSize} values is left between {FirstCookie} " +
        $"and the reverse counter (which starts at {ReverseStart}). Cookies are never reused and the counter never wraps.");

    private ulong LowestReverse(long issued) => ReverseStart - (ulong)(issued - 1);

    private CookieSpaceExhaustedException ReverseExhausted() => new(
        $"The cookie generator's reverse counter (counting down from {ReverseStart}) has met the forward blocks: " +
        "no value is left that was not issued before. Cookies are never reused and the counter never wraps.");

    private sealed class SpaceCell(CookieSpace space) : Diagnostics.IKitCounterCell
    {
        public void AddTo(ref Diagnostics.KitTotals totals) =>
            totals.CookiesIssued += (Math.Min((long)space._maxBlocks, space.BlocksReserved) * BlockSize) + space.ReverseIssued;
    }
}
