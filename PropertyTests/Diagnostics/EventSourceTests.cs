using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using PerfKit.Cookies;
using PerfKit.Diagnostics;
using PerfKit.Hooks;
using PerfKit.Maps;

namespace PerfKit.PropertyTests.Diagnostics;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EventSourceTestGroup
{
    public const string Name = "PerfKit EventSource";
}

/// <summary>A listener on the PerfKit source that keeps every event (and can react to them).</summary>
internal sealed class PerfKitListener : EventListener
{
    private readonly Action<EventWrittenEventArgs>? _onEvent;

    public PerfKitListener(EventLevel level, EventKeywords keywords = EventKeywords.All, Action<EventWrittenEventArgs>? onEvent = null,
        IDictionary<string, string?>? arguments = null)
    {
        _onEvent = onEvent;
        EnableEvents(PerfKitEventSource.Log, level, keywords, arguments); // not in OnEventSourceCreated: it runs before the fields are set
    }

    public ConcurrentQueue<EventWrittenEventArgs> Events { get; } = new();

    public IEnumerable<EventWrittenEventArgs> Named(string name) => Events.Where(e => e.EventName == name);

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.EventSource == PerfKitEventSource.Log)
        {
            Events.Enqueue(eventData);
            _onEvent?.Invoke(eventData);
        }
    }
}

[Collection(EventSourceTestGroup.Name)]
public sealed class EventSourceTests
{
    [Fact]
    public void Manifest_IsValid()
    {
        string? manifest = EventSource.GenerateManifest(typeof(PerfKitEventSource), typeof(PerfKitEventSource).Assembly.Location, EventManifestOptions.Strict);
        Assert.NotNull(manifest);
        Assert.Contains("PerfKit", manifest, StringComparison.Ordinal);
    }

    [Fact]
    public void Flags_FollowTheListenersLifetimeAndLevel()
    {
        Assert.False(PerfKitEventSource.MapsOn || PerfKitEventSource.CookiesOn || PerfKitEventSource.HooksOn || PerfKitEventSource.MapEvictionsOn);
        using (new PerfKitListener(EventLevel.Informational, PerfKitEventSource.Keywords.Maps))
        {
            Assert.True(PerfKitEventSource.MapsOn);
            Assert.False(PerfKitEventSource.MapEvictionsOn); // Verbose only
            Assert.False(PerfKitEventSource.CookiesOn);
        }

        Assert.False(PerfKitEventSource.MapsOn); // nothing fires once nobody listens
    }

    [Fact]
    public void CookieBlockReserved_HasExactPayload_AndAListenerDrawingACookieIsServedByTheReverseCounter()
    {
        var generator = new PerCpuCookieGenerator(possibleCpus: 1, firstCookie: 777_000_001);
        ulong drawnInListener = 0;
        using var listener = new PerfKitListener(EventLevel.Informational, PerfKitEventSource.Keywords.Cookies, e =>
        {
            if (e.EventName == nameof(PerfKitEventSource.CookieBlockReserved) && (long)e.Payload![0]! == 777_000_001)
            {
                drawnInListener = generator.NextCookie(); // re-entry while the block is being reserved
            }
        });
        using (Cpu.Pin(0))
        {
            Assert.Equal(777_000_001UL, generator.NextCookie());
        }

        EventWrittenEventArgs reserved = Assert.Single(listener.Named(nameof(PerfKitEventSource.CookieBlockReserved)), e => (long)e.Payload![0]! == 777_000_001);
        Assert.Equal(1L, reserved.Payload![1]);
        Assert.Equal(["BlockStart", "BlocksReserved"], reserved.PayloadNames);
        Assert.Equal(ulong.MaxValue, drawnInListener);
    }

    [Fact]
    public void LruEvents_RefillShrinkAndVerboseEvictions_HaveExactPayloads()
    {
        using var listener = new PerfKitListener(EventLevel.Verbose, PerfKitEventSource.Keywords.Maps);
        using CpuPin pin = Cpu.Pin(0);
        var map = new LruHashMap<ulong, ulong>(new LruHashMapOptions { MaxEntries = 4, PossibleCpus = 1 }); // target_free 2
        for (ulong k = 1; k <= 5; k++)
        {
            Assert.Equal(MapResult.Ok, map.Update(k, k));
        }

        // Refills: 2 + 2 from the free list, then 0 free and a shrink of 2 (keys 1 and 2, the inactive tail).
        Assert.Equal([2, 2, 0], listener.Named(nameof(PerfKitEventSource.LruRefill)).Select(e => (int)e.Payload![1]!));
        Assert.All(listener.Named(nameof(PerfKitEventSource.LruRefill)), e => Assert.Equal(2, e.Payload![2]));
        EventWrittenEventArgs shrink = Assert.Single(listener.Named(nameof(PerfKitEventSource.LruShrink)));
        Assert.Equal([0, 2], shrink.Payload!.Select(p => (int)p!));
        Assert.Equal(2, listener.Named(nameof(PerfKitEventSource.LruEviction)).Count());
        Assert.Equal(map.Statistics.Evictions, listener.Named(nameof(PerfKitEventSource.LruEviction)).Count());
    }

    [Fact]
    public void LruEvents_AtInformational_CarryNoPerEvictionDetail_AndAListenerMayCallTheMap()
    {
        LruHashMap<ulong, ulong>? map = null;
        int lookupsFromListener = 0;
        using var listener = new PerfKitListener(EventLevel.Informational, PerfKitEventSource.Keywords.Maps, e =>
        {
            if (e.EventName == nameof(PerfKitEventSource.LruShrink))
            {
                map!.TryPeek(1, out _); // events are raised after the LRU's spin locks are released: no deadlock
                lookupsFromListener++;
            }
        });
        using CpuPin pin = Cpu.Pin(0);
        map = new LruHashMap<ulong, ulong>(new LruHashMapOptions { MaxEntries = 4, PossibleCpus = 1 });
        for (ulong k = 1; k <= 9; k++)
        {
            map.Update(k, k);
        }

        Assert.Empty(listener.Named(nameof(PerfKitEventSource.LruEviction)));
        Assert.True(lookupsFromListener > 0);
        Assert.True(map.Audit().IsConsistent);
    }

    [Fact]
    public void AListenerThatThrows_LeavesTheMapConsistent()
    {
        int thrown = 0;
        using var listener = new PerfKitListener(EventLevel.Verbose, PerfKitEventSource.Keywords.Maps, e =>
        {
            thrown++;
            throw new InvalidOperationException("listener failure: " + e.EventName);
        });
        var map = new LruHashMap<ulong, ulong>(new LruHashMapOptions { MaxEntries = 16, PossibleCpus = 2 });
        for (ulong k = 0; k < 500; k++)
        {
            using (Cpu.Pin((int)(k % 3)))
            {
                Assert.Equal(MapResult.Ok, map.Update(k, k)); // EventSource contains listener exceptions; the map never sees them
            }
        }

        Assert.True(thrown > 0, "the listener never ran");
        MapAudit audit = map.Audit();
        Assert.True(audit.IsConsistent, audit.ToString());
        Assert.All(map, e => Assert.Equal(e.Key, e.Value));
    }

    [Fact]
    public void PrematureEviction_AndSteal_AreSignalled()
    {
        using var listener = new PerfKitListener(EventLevel.Informational, PerfKitEventSource.Keywords.Maps);
        var map = new LruHashMap<ulong, ulong>(new LruHashMapOptions { MaxEntries = 1000, PossibleCpus = 2 });
        for (ulong key = 0; map.Statistics.Evictions == 0; key++)
        {
            using (Cpu.Pin((int)(key % 2)))
            {
                map.Update(key, key);
            }
        }

        EventWrittenEventArgs premature = Assert.Single(listener.Named(nameof(PerfKitEventSource.LruPrematureEviction)));
        Assert.Equal(1, premature.Payload![2]); // the other CPU held free nodes

        var single = new LruHashMap<ulong, ulong>(new LruHashMapOptions { MaxEntries = 1, PossibleCpus = 2 });
        using (Cpu.Pin(0))
        {
            single.Update(1, 1);
        }

        using (Cpu.Pin(1))
        {
            single.Update(2, 2);
        }

        EventWrittenEventArgs steal = Assert.Single(listener.Named(nameof(PerfKitEventSource.LruSteal)));
        Assert.Equal([1, 0], steal.Payload!.Select(p => (int)p!));
    }

    [Fact]
    public void HookRejected_CarriesReasonAndErrno()
    {
        using var listener = new PerfKitListener(EventLevel.Informational, PerfKitEventSource.Keywords.Hooks);
        var host = new NetworkHost();
        var lb = new SocketLoadBalancer(host, new LoadBalancerOptions { ServiceMapSize = 16, BackendMapSize = 16, AffinityMapSize = 16, AffinityMatchMapSize = 16, ReverseNatMapSize = 16 });
        lb.AddService(new ServiceSpec { Address = IpAddr.Parse("10.96.0.1"), Port = 80 });
        SockAddr destination = SockAddr.V4("10.96.0.1", 80);
        lb.Connect(host.CreateNamespace().CreateSocket(SocketProtocol.Tcp), ref destination);
        EventWrittenEventArgs rejected = Assert.Single(listener.Named(nameof(PerfKitEventSource.HookRejected)));
        Assert.Equal([(int)HookReason.NoBackend, -113], rejected.Payload!.Select(p => (int)p!));
    }
}
