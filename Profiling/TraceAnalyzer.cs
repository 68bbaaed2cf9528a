using System.Collections;
using Microsoft.Diagnostics.Symbols;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Analysis;
using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.EventPipe;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;
using Microsoft.Diagnostics.Tracing.Stacks;
using Microsoft.Diagnostics.Tracing.Stacks.Formats;
using TraceLog = Microsoft.Diagnostics.Tracing.Etlx.TraceLog;

namespace PerfKit.Profiling;

/// <summary>Analyses an EventPipe trace (ours or BenchmarkDotNet's EventPipeProfiler's) with TraceEvent.</summary>
public static class TraceAnalyzer
{
    private static readonly byte[] NettraceMagic = "Nettrace"u8.ToArray();

    /// <summary>
    /// Analyses <paramref name="tracePath"/>; writes a speedscope JSON to <paramref name="speedscopePath"/> if given.
    /// </summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidDataException">The file is empty, not an EventPipe trace, truncated or corrupt.</exception>
    public static TraceAnalysis Analyze(string tracePath, string? speedscopePath = null)
    {
        ArgumentNullException.ThrowIfNull(tracePath);
        if (!File.Exists(tracePath))
        {
            throw new FileNotFoundException($"No trace at '{tracePath}'.", tracePath);
        }

        CheckMagic(tracePath);
        string etlx = Path.Combine(Path.GetTempPath(), $"perfkit-{Guid.NewGuid():N}.etlx");
        try
        {
            try
            {
                TraceLog.CreateFromEventPipeDataFile(tracePath, etlx);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                throw new InvalidDataException($"'{tracePath}' could not be read as an EventPipe trace (truncated or corrupt?): {e.Message}", e);
            }

            using var log = new TraceLog(etlx);
            TraceAnalysis analysis = Read(log, tracePath);
            if (speedscopePath is not null)
            {
                WriteSpeedscope(log, speedscopePath);
                analysis = analysis with { SpeedscopePath = speedscopePath };
            }

            return analysis;
        }
        finally
        {
            File.Delete(etlx);
        }
    }

    private static TraceAnalysis Read(TraceLog log, string tracePath)
    {
        var inclusive = new Dictionary<string, long>(StringComparer.Ordinal);
        var perfKitEvents = new Dictionary<string, long>(StringComparer.Ordinal);
        var counters = new Dictionary<string, (double Sum, int Ticks, double Interval)>(StringComparer.Ordinal);
        var seenInSample = new HashSet<string>(StringComparer.Ordinal);
        long samples = 0, contentions = 0, contentionsInKit = 0;
        double waitNs = 0;
        foreach (TraceEvent e in log.Events)
        {
            if (e is ClrThreadSampleTraceData sample && sample.Type == ClrThreadSampleType.Managed)
            {
                samples++;
                seenInSample.Clear();
                for (TraceCallStack? frame = e.CallStack(); frame is not null; frame = frame.Caller)
                {
                    string method = frame.CodeAddress.FullMethodName;
                    if (method.Contains("PerfKit", StringComparison.Ordinal) && seenInSample.Add(method))
                    {
                        inclusive[method] = inclusive.GetValueOrDefault(method) + 1;
                    }
                }
            }
            else if (e is ContentionStartTraceData)
            {
                contentions++;
                if (HasPerfKitFrame(e.CallStack()))
                {
                    contentionsInKit++;
                }
            }
            else if (e is ContentionStopTraceData stop)
            {
                waitNs += stop.DurationNs;
            }
            else if (e.ProviderName == "PerfKit")
            {
                perfKitEvents[e.EventName] = perfKitEvents.GetValueOrDefault(e.EventName) + 1;
                if (e.EventName == "EventCounters" && FindCounter(e.PayloadValue(0)) is { } counter)
                {
                    (double sum, int ticks, double interval) = counters.GetValueOrDefault(counter.Name);
                    counters[counter.Name] = (sum + counter.Increment, ticks + 1, counter.IntervalSec);
                }
            }
        }

        var gcs = new int[3];
        double totalPause = 0, maxPause = 0;
        TraceLogEventSource source = log.Events.GetSource();
        source.NeedLoadedDotNetRuntimes();
        source.Process();
        foreach (Microsoft.Diagnostics.Tracing.Analysis.TraceProcess process in source.Processes())
        {
            foreach (Microsoft.Diagnostics.Tracing.Analysis.GC.TraceGC gc in process.LoadedDotNetRuntime()?.GC.GCs ?? [])
            {
                gcs[Math.Clamp(gc.Generation, 0, 2)]++;
                totalPause += gc.PauseDurationMSec;
                maxPause = Math.Max(maxPause, gc.PauseDurationMSec);
            }
        }

        return new TraceAnalysis
        {
            TracePath = tracePath,
            EventCount = log.EventCount,
            CpuSamples = samples,
            TopMethods = [.. inclusive.OrderByDescending(m => m.Value).Take(20).Select(m => (m.Key, m.Value))],
            GcsByGeneration = gcs,
            GcPauseMs = (totalPause, maxPause),
            Contention = (contentions, contentionsInKit, waitNs / 1e6),
            PerfKitEvents = perfKitEvents,
            CounterRates = counters.ToDictionary(c => c.Key, c => (c.Value.Ticks == 0 ? 0 : c.Value.Sum / c.Value.Ticks, c.Value.Interval)),
        };
    }

    private static bool HasPerfKitFrame(TraceCallStack? stack)
    {
        for (TraceCallStack? frame = stack; frame is not null; frame = frame.Caller)
        {
            if (frame.CodeAddress.FullMethodName.Contains("PerfKit", StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    // EventCounters payloads nest their fields (Name, Increment, IntervalSec) one or two levels deep, as dictionaries
    // or (after ETLX conversion) as DynamicTraceEventData.StructValue, which enumerates key/value pairs (its Values
    // property throws).
    private static (string Name, double Increment, double IntervalSec)? FindCounter(object? payload)
    {
        Dictionary<string, object?>? fields = payload switch
        {
            IEnumerable<KeyValuePair<string, object>> pairs => pairs.ToDictionary(p => p.Key, p => (object?)p.Value, StringComparer.Ordinal),
            IDictionary dictionary => dictionary.Keys.Cast<object>().ToDictionary(k => k.ToString()!, k => dictionary[k], StringComparer.Ordinal),
            _ => null,
        };
        if (fields is null)
        {
            return null;
        }

        if (fields.TryGetValue("Name", out object? name) && fields.TryGetValue("Increment", out object? increment))
        {
            double interval = fields.TryGetValue("IntervalSec", out object? sec) ? Convert.ToDouble(sec, System.Globalization.CultureInfo.InvariantCulture) : 0;
            return ((string)name!, Convert.ToDouble(increment, System.Globalization.CultureInfo.InvariantCulture), interval);
        }

        foreach (object? value in fields.Values)
        {
            if (FindCounter(value) is { } inner)
            {
                return inner;
            }
        }

        return null;
    }

    private static void WriteSpeedscope(TraceLog log, string path)
    {
        using var symbols = new SymbolReader(TextWriter.Null);
        var stacks = new MutableTraceEventStackSource(log) { OnlyManagedCodeStacks = true };
        new SampleProfilerThreadTimeComputer(log, symbols) { IncludeEventSourceEvents = false }.GenerateThreadTimeStacks(stacks);
        SpeedScopeStackSourceWriter.WriteStackViewAsJson(stacks, path);
    }

    private static void CheckMagic(string path)
    {
        Span<byte> head = stackalloc byte[8];
        using FileStream file = File.OpenRead(path);
        if (file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false) < head.Length || !head.SequenceEqual(NettraceMagic))
        {
            throw new InvalidDataException($"'{path}' is not an EventPipe trace (.nettrace files start with 'Nettrace').");
        }
    }
}
