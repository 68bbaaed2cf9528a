using System.Diagnostics.Tracing;

namespace PerfKit.Diagnostics;

/// <summary>
/// The <c>PerfKit</c> event source: what users cannot otherwise see — cookie block reservations, LRU refills,
/// shrinks, force-shrinks, steals, premature evictions (an eviction while other CPUs hold free nodes), hook
/// rejects, and at Verbose every eviction. Enable it with EventPipe (<c>dotnet-trace</c>, <c>dotnet-counters</c>)
/// or an <see cref="EventListener"/>.
/// </summary>
/// <remarks>
/// Call sites test the static <c>…On</c> flags, which <see cref="OnEventCommand"/> refreshes whenever a session or
/// listener changes, so with nobody listening an instrumented path costs one predictable branch (a bare
/// <c>IsEnabled()</c> does real work on every call while any session is on, even one that filters the event out), and
/// with the <see cref="PerfKitDiagnostics.IsSupported"/> switch off not even that.
/// Every event uses a typed, non-allocating <c>WriteEvent</c> overload whose parameter types match the event
/// method exactly (a mismatch decodes as garbage over EventPipe). The kit raises events after releasing its locks,
/// so a listener may call back into the kit.
/// </remarks>
[EventSource(Name = "PerfKit")]
public sealed class PerfKitEventSource : EventSource
{
    /// <summary>The single instance.</summary>
    public static readonly PerfKitEventSource Log = new();

    private PerfKitEventSource()
        : base(EventSourceSettings.EtwSelfDescribingEventFormat)
    {
    }

    /// <summary>Whether cookie events are enabled (Informational, <see cref="Keywords.Cookies"/>).</summary>
    public static bool CookiesOn => PerfKitDiagnostics.IsSupported && s_cookiesOn;

    /// <summary>Whether map events are enabled (Informational, <see cref="Keywords.Maps"/>).</summary>
    public static bool MapsOn => PerfKitDiagnostics.IsSupported && s_mapsOn;

    /// <summary>Whether per-eviction map events are enabled (Verbose, <see cref="Keywords.Maps"/>).</summary>
    public static bool MapEvictionsOn => PerfKitDiagnostics.IsSupported && s_mapEvictionsOn;

    /// <summary>Whether hook events are enabled (Informational, <see cref="Keywords.Hooks"/>).</summary>
    public static bool HooksOn => PerfKitDiagnostics.IsSupported && s_hooksOn;

    /// <summary>A cookie generator reserved a block from its shared forward counter (values above 2^63 − 1 appear negative).</summary>
    [Event(1, Level = EventLevel.Informational, Keywords = Keywords.Cookies, Message = "Cookie block reserved starting at {0} ({1} blocks so far)")]
    public void CookieBlockReserved(long BlockStart, long BlocksReserved) => WriteEvent(1, BlockStart, BlocksReserved);

    /// <summary>A CPU refilled its local free list from the global LRU list (common flavor).</summary>
    [Event(2, Level = EventLevel.Informational, Keywords = Keywords.Maps, Message = "CPU {0} refilled {1} free nodes (target {2})")]
    public void LruRefill(int Cpu, int FromFreeList, int TargetFree) => WriteEvent(2, Cpu, FromFreeList, TargetFree);

    /// <summary>A shrink evicted live entries to free their nodes (per-CPU flavor: only at Verbose, since it shrinks every few allocations by design).</summary>
    [Event(3, Level = EventLevel.Informational, Keywords = Keywords.Maps, Message = "CPU {0} evicted {1} entries")]
    public void LruShrink(int Cpu, int Evicted) => WriteEvent(3, Cpu, Evicted);

    /// <summary>Nothing unreferenced could be freed: one entry was evicted ignoring the reference bit.</summary>
    [Event(4, Level = EventLevel.Informational, Keywords = Keywords.Maps, Message = "CPU {0} force-shrank one entry")]
    public void LruForceShrink(int Cpu) => WriteEvent(4, Cpu);

    /// <summary>A CPU took a node from another CPU's local lists.</summary>
    [Event(5, Level = EventLevel.Informational, Keywords = Keywords.Maps, Message = "CPU {0} stole a node from CPU {1}")]
    public void LruSteal(int Cpu, int VictimCpu) => WriteEvent(5, Cpu, VictimCpu);

    /// <summary>Entries were evicted while other CPUs' local free lists held free nodes (the kernel's order: shrink before steal).</summary>
    [Event(6, Level = EventLevel.Warning, Keywords = Keywords.Maps, Message = "CPU {0} evicted {1} entries while {2} other CPUs held free nodes")]
    public void LruPrematureEviction(int Cpu, int Evicted, int CpusHoldingFreeNodes) => WriteEvent(6, Cpu, Evicted, CpusHoldingFreeNodes);

    /// <summary>One evicted entry: its node and its key's hash (Verbose).</summary>
    [Event(7, Level = EventLevel.Verbose, Keywords = Keywords.Maps, Message = "Evicted node {0} (hash {1})")]
    public void LruEviction(int Node, int Hash) => WriteEvent(7, Node, Hash);

    /// <summary>A hook rejected a syscall.</summary>
    [Event(8, Level = EventLevel.Informational, Keywords = Keywords.Hooks, Message = "Hook rejected with reason {0}, errno {1}")]
    public void HookRejected(int Reason, int Errno) => WriteEvent(8, Reason, Errno);

    // Refreshed by OnEventCommand; plain fields, since a hot path may see a change a little late.
    private static bool s_cookiesOn;
    private static bool s_mapsOn;
    private static bool s_mapEvictionsOn;
    private static bool s_hooksOn;

    private IncrementingPollingCounter[]? _counters;

    /// <inheritdoc />
    protected override void OnEventCommand(EventCommandEventArgs command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (command.Command == EventCommand.Enable && _counters is null)
        {
            // Rates for dotnet-counters and EventCounter listeners, polled from the counters the kit keeps anyway.
            _counters = [.. PerfKitCounters.Definitions.Select(d =>
                new IncrementingPollingCounter(d.Name, this, () => d.Read(PerfKitCounters.Snapshot())) { DisplayName = d.Description })];
        }

        s_cookiesOn = IsEnabled(EventLevel.Informational, Keywords.Cookies);
        s_mapsOn = IsEnabled(EventLevel.Informational, Keywords.Maps);
        s_mapEvictionsOn = IsEnabled(EventLevel.Verbose, Keywords.Maps);
        s_hooksOn = IsEnabled(EventLevel.Informational, Keywords.Hooks);
    }

    /// <summary>Event keywords, one per area.</summary>
    public static class Keywords
    {
        /// <summary>Cookie generators.</summary>
        public const EventKeywords Cookies = (EventKeywords)1;

        /// <summary>LRU and hash maps.</summary>
        public const EventKeywords Maps = (EventKeywords)2;

        /// <summary>Socket load-balancer hooks.</summary>
        public const EventKeywords Hooks = (EventKeywords)4;
    }
}
