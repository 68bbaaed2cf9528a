using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using PerfKit.Cookies;
using PerfKit.Diagnostics;
using PerfKit.Maps;

namespace PerfKit.PropertyTests.Diagnostics;

/// <summary>
/// Records a real EventPipe session of this process and decodes it with TraceEvent: the only check that catches
/// a WriteEvent overload whose payload does not match the event's declared parameters (an EventListener decodes
/// such events "correctly"; EventPipe metadata does not).
/// </summary>
[Collection(EventSourceTestGroup.Name)]
public sealed class EventPipeRoundTripTests
{
    [Fact]
    public async Task PerfKitEvents_DecodeWithExactPayloads()
    {
        var client = new DiagnosticsClient(Environment.ProcessId);
        var providers = new[] { new EventPipeProvider("PerfKit", EventLevel.Verbose, -1) };
        using var trace = new MemoryStream();
        CancellationToken cancel = TestContext.Current.CancellationToken;
        using (EventPipeSession session = client.StartEventPipeSession(providers, requestRundown: false))
        {
            Task copy = session.EventStream.CopyToAsync(trace, cancel);
            var generator = new PerThreadCookieGenerator(firstCookie: 5_000_000_001);
            Assert.Equal(5_000_000_001UL, generator.NextCookie());
            using (Cpu.Pin(0))
            {
                var map = new LruHashMap<ulong, ulong>(new LruHashMapOptions { MaxEntries = 4, PossibleCpus = 1 });
                for (ulong k = 1; k <= 5; k++)
                {
                    map.Update(k, k);
                }
            }

            session.Stop();
            await copy;
        }

        trace.Position = 0;
        var events = new List<(string Name, Dictionary<string, object> Payload)>();
        using (var source = new EventPipeEventSource(trace))
        {
            source.Dynamic.All += e =>
            {
                if (e.ProviderName == "PerfKit")
                {
                    events.Add((e.EventName, e.PayloadNames.ToDictionary(n => n, e.PayloadByName)));
                }
            };
            source.Process();
        }

        Assert.Contains(events, e => e.Name == "CookieBlockReserved" && (long)e.Payload["BlockStart"] == 5_000_000_001 && (long)e.Payload["BlocksReserved"] == 1);
        var refills = events.Where(e => e.Name == "LruRefill" && (int)e.Payload["Cpu"] == 0 && (int)e.Payload["TargetFree"] == 2).ToList();
        Assert.Equal([2, 2, 0], refills.Select(e => (int)e.Payload["FromFreeList"]));
        Assert.Contains(events, e => e.Name == "LruShrink" && (int)e.Payload["Cpu"] == 0 && (int)e.Payload["Evicted"] == 2);
        Assert.Equal(2, events.Count(e => e.Name == "LruEviction" && (int)e.Payload["Node"] >= 0));
    }
}
