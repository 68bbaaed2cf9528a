namespace PerfKit.Diagnostics;

/// <summary>Totals of the kit's counters since the process started (all maps, generators and load balancers, live or collected).</summary>
public record struct KitTotals
{
    /// <summary>Map lookups counted while someone was polling counters.</summary>
    public long Lookups { get; set; }

    /// <summary>Lookups that found their key.</summary>
    public long Hits { get; set; }

    /// <summary>Lookups that missed.</summary>
    public long Misses { get; set; }

    /// <summary>LRU map updates (each takes a node).</summary>
    public long Updates { get; set; }

    /// <summary>LRU evictions.</summary>
    public long Evictions { get; set; }

    /// <summary>LRU steals across CPUs.</summary>
    public long Steals { get; set; }

    /// <summary>LRU local refills (per-CPU flavor: shrinks).</summary>
    public long Refills { get; set; }

    /// <summary>LRU force-shrinks.</summary>
    public long ForceShrinks { get; set; }

    /// <summary>
    /// Cookies handed out or reserved: shared-counter cookies, plus whole reserved blocks (4096 each) and reverse-counter
    /// values of the batched generators (an upper bound: the unused tail of a CPU's current block is included).
    /// </summary>
    public long CookiesIssued { get; set; }

    /// <summary>Hook calls that translated an address (connect/sendmsg forward, recvmsg/getpeername reverse), counted while someone was polling.</summary>
    public long HookTranslations { get; set; }

    /// <summary>Hook calls that rejected the syscall, counted while someone was polling.</summary>
    public long HookRejects { get; set; }

    /// <summary>Adds every field of <paramref name="other"/>.</summary>
    public void Add(in KitTotals other)
    {
        Lookups += other.Lookups;
        Hits += other.Hits;
        Misses += other.Misses;
        Updates += other.Updates;
        Evictions += other.Evictions;
        Steals += other.Steals;
        Refills += other.Refills;
        ForceShrinks += other.ForceShrinks;
        CookiesIssued += other.CookiesIssued;
        HookTranslations += other.HookTranslations;
        HookRejects += other.HookRejects;
    }
}
