using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

namespace PerfKit.Diagnostics;

/// <summary>
/// The kit's counters, summed on demand for the <c>PerfKit</c> EventCounters and the <c>PerfKit</c> <see cref="Meter"/>
/// (so <c>dotnet-counters monitor --counters PerfKit</c> shows them).
/// </summary>
/// <remarks>
/// <para>Slow-path counts (LRU refills, evictions, steals, updates; cookie blocks) are the ones the components keep
/// anyway, written under locks they already hold; components register small counter cells here, with a weak
/// reference to their owner, and the totals of a collected owner are folded into a retired sum, so rates stay
/// monotonic and no map is kept alive.</para>
/// <para>Per-call counts (lookups, hits, misses, hook outcomes) go to per-thread cells, but only while
/// <see cref="CountingOn"/>: it turns on the first time anyone polls, so with nobody watching the hot paths pay a
/// single static branch.</para>
/// </remarks>
public static class PerfKitCounters
{
    // Declared first: the Meter below is built from it during static initialisation.
    /// <summary>Each counter's name, description and how to read it from <see cref="KitTotals"/>.</summary>
    internal static readonly (string Name, string Description, Func<KitTotals, long> Read)[] Definitions =
    [
        ("lookups", "Map lookups (counted while observed)", t => t.Lookups),
        ("hits", "Map lookups that found their key", t => t.Hits),
        ("misses", "Map lookups that missed", t => t.Misses),
        ("updates", "LRU map updates", t => t.Updates),
        ("evictions", "LRU evictions", t => t.Evictions),
        ("steals", "LRU steals across CPUs", t => t.Steals),
        ("refills", "LRU local refills", t => t.Refills),
        ("force-shrinks", "LRU force-shrinks", t => t.ForceShrinks),
        ("cookies-issued", "Cookies issued (batched: whole reserved blocks)", t => t.CookiesIssued),
        ("hook-translations", "Hook calls that translated an address", t => t.HookTranslations),
        ("hook-rejects", "Hook calls that rejected the syscall", t => t.HookRejects),
    ];

    private static readonly Lock s_gate = new();
    private static readonly List<(WeakReference Owner, IKitCounterCell Cell)> s_cells = [];
    private static readonly List<ThreadCell> s_threads = [];
    private static KitTotals s_retired;
    private static bool s_countingOn; // set by the first poll; a plain field, since a hot path may see it a little late

    [ThreadStatic]
    private static ThreadCell? t_cell;

    /// <summary>The <c>PerfKit</c> meter, with one observable counter per total.</summary>
    public static Meter Meter { get; } = CreateMeter();

    /// <summary>Whether per-call counts are being kept (on since the first poll).</summary>
    public static bool CountingOn => PerfKitDiagnostics.IsSupported && s_countingOn;

    /// <summary>Registers a component's counter cell; the cell is read while <paramref name="owner"/> lives and once more after.</summary>
    public static void Register(object owner, IKitCounterCell cell)
    {
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentNullException.ThrowIfNull(cell);
        lock (s_gate)
        {
            s_cells.Add((new WeakReference(owner), cell));
        }
    }

    /// <summary>Counts a lookup (no-op unless <see cref="CountingOn"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // as a call it would be one of three per map lookup
    public static void CountLookup(bool hit)
    {
        if (CountingOn)
        {
            AddLookup(hit);
        }
    }

    /// <summary>Counts a hook outcome (no-op unless <see cref="CountingOn"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // as CountLookup: only the static branch is inlined
    public static void CountHook(bool translated, bool rejected)
    {
        if (CountingOn)
        {
            AddHook(translated, rejected);
        }
    }

    /// <summary>The current totals; turns <see cref="CountingOn"/> on.</summary>
    public static KitTotals Snapshot()
    {
        s_countingOn = true;
        lock (s_gate)
        {
            KitTotals totals = s_retired;
            for (int i = s_cells.Count - 1; i >= 0; i--)
            {
                (WeakReference owner, IKitCounterCell cell) = s_cells[i];
                var part = default(KitTotals);
                cell.AddTo(ref part);
                totals.Add(part);
                if (!owner.IsAlive)
                {
                    s_retired.Add(part); // the owner is gone: its counts can no longer change
                    s_cells.RemoveAt(i);
                }
            }

            // Each cell is written only by its thread; reading it while that thread increments gives a value at most a
            // few counts old (a 64-bit read is atomic here), which a rate tolerates. No lock on the hot path.
            foreach (ThreadCell thread in s_threads)
            {
                totals.Lookups += Volatile.Read(ref thread.Lookups);
                totals.Hits += Volatile.Read(ref thread.Hits);
                totals.HookTranslations += Volatile.Read(ref thread.HookTranslations);
                totals.HookRejects += Volatile.Read(ref thread.HookRejects);
            }

            totals.Misses = totals.Lookups - totals.Hits;
            return totals;
        }
    }

    private static Meter CreateMeter()
    {
        var meter = new Meter("PerfKit");
        foreach ((string name, string description, Func<KitTotals, long> read) in Definitions)
        {
            meter.CreateObservableCounter($"perfkit.{name}", () => read(Snapshot()), description: description);
        }

        return meter;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void AddLookup(bool hit)
    {
        ThreadCell cell = t_cell ?? RegisterThread();
        cell.Lookups++; // this thread's cell only: plain increments, summed racily by the poller
        if (hit)
        {
            cell.Hits++;
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void AddHook(bool translated, bool rejected)
    {
        ThreadCell cell = t_cell ?? RegisterThread();
        cell.HookTranslations += translated ? 1 : 0;
        cell.HookRejects += rejected ? 1 : 0;
    }

    private static ThreadCell RegisterThread()
    {
        var cell = new ThreadCell();
        lock (s_gate)
        {
            s_threads.Add(cell); // kept after the thread ends, so totals stay monotonic
        }

        return t_cell = cell;
    }

    private sealed class ThreadCell
    {
        public long Lookups;
        public long Hits;
        public long HookTranslations;
        public long HookRejects;
    }
}

/// <summary>A component's counters, read by <see cref="PerfKitCounters.Snapshot"/>.</summary>
public interface IKitCounterCell
{
    /// <summary>Adds this component's counts to <paramref name="totals"/>.</summary>
    void AddTo(ref KitTotals totals);
}
