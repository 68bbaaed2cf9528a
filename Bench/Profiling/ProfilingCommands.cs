using System.Diagnostics;
using System.Diagnostics.Tracing;
using System.Globalization;
using Microsoft.Diagnostics.NETCore.Client;
using PerfKit.Bench.Infrastructure;
using PerfKit.Profiling;

namespace PerfKit.Bench.Profiling;

/// <summary>
/// <c>trace &lt;workload&gt; [--seconds N] [--out DIR]</c> and <c>analyze &lt;file.nettrace&gt; [--out DIR]</c>: record a
/// workload in a child process suspended at startup, over the diagnostics port (CPU samples, GC, contention,
/// JIT/loader with rundown, PerfKit events and counters), then analyse; or analyse any trace.
/// </summary>
public static class ProfilingCommands
{
    private const long RuntimeKeywords = 0xC019; // GC | Contention | Jit | Loader | Exception

    /// <summary>The <c>workload</c> command the child runs: <c>workload &lt;name&gt; &lt;seconds&gt;</c>.</summary>
    public static int RunWorkload(IReadOnlyList<string> args)
    {
        if (args.Count != 2 || !ProfileWorkloads.Names.ContainsKey(args[0]) || !TryParseSeconds(args[1], out double seconds))
        {
            return BenchCommandLine.Fail("usage: workload <name> <seconds>");
        }

        ProfileWorkloads.Run(args[0], seconds);
        return 0;
    }

    /// <summary>The <c>trace</c> command.</summary>
    public static int Trace(IReadOnlyList<string> args)
    {
        if (args.Count == 0 || !ProfileWorkloads.Names.ContainsKey(args[0]))
        {
            return BenchCommandLine.Fail($"{(args.Count == 0 ? "no workload given" : $"unknown workload '{args[0]}'")}. Workloads: {string.Join(", ", ProfileWorkloads.Names.Keys)}. " +
                "Usage: trace <workload> [--seconds N] [--out DIR]");
        }

        string workload = args[0];
        double seconds = 5;
        string output = Path.Combine(RepositoryPaths.PerfResults, "profiles", workload);
        if (!BenchCommandLine.TryReadOptions(args, 1, new Dictionary<string, Func<string, bool>>(StringComparer.Ordinal)
            {
                ["--seconds"] = v => TryParseSeconds(v, out seconds),
                ["--out"] = v => (output = Path.GetFullPath(v)) is not null,
            }, "trace <workload> [--seconds N (0.1-600)] [--out DIR]"))
        {
            return 2;
        }

        Directory.CreateDirectory(output);
        string tracePath = Path.Combine(output, workload + ".nettrace");
        Console.WriteLine($"Recording '{workload}' for {seconds} s ...");
        int exitCode = Record(workload, seconds, tracePath, out string? problem);
        if (problem is not null)
        {
            return BenchCommandLine.Fail(problem, exitCode: 1);
        }

        Console.WriteLine($"Trace: {tracePath} ({new FileInfo(tracePath).Length / 1024:N0} KiB). Analysing ...");
        return AnalyzeInto(tracePath, output);
    }

    /// <summary>The <c>analyze</c> command.</summary>
    public static int Analyze(IReadOnlyList<string> args)
    {
        if (args.Count is not (1 or 3) || (args.Count == 3 && args[1] != "--out"))
        {
            return BenchCommandLine.Fail("usage: analyze <file.nettrace> [--out DIR]");
        }

        string trace = Path.GetFullPath(args[0]);
        return AnalyzeInto(trace, args.Count == 3 ? Path.GetFullPath(args[2]) : Path.GetDirectoryName(trace)!);
    }

    private static int AnalyzeInto(string tracePath, string output)
    {
        TraceAnalysis analysis;
        string name = Path.GetFileNameWithoutExtension(tracePath);
        try
        {
            Directory.CreateDirectory(output);
            analysis = TraceAnalyzer.Analyze(tracePath, Path.Combine(output, name + ".speedscope.json"));
        }
        catch (Exception e) when (e is FileNotFoundException or InvalidDataException or IOException or UnauthorizedAccessException)
        {
            return BenchCommandLine.Fail(e.Message);
        }

        string report = analysis.ToMarkdown();
        string reportPath = Path.Combine(output, name + ".md");
        File.WriteAllText(reportPath, report);
        Console.WriteLine(report);
        Console.WriteLine($"Report: {reportPath}");
        return 0;
    }

    // Starts this program as "workload <name> <seconds>" suspended at startup, records until it exits.
    private static int Record(string workload, double seconds, string tracePath, out string? problem)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { UseShellExecute = false, RedirectStandardError = true };
        start.ArgumentList.Add("workload");
        start.ArgumentList.Add(workload);
        start.ArgumentList.Add(seconds.ToString(CultureInfo.InvariantCulture));
        start.Environment["DOTNET_DefaultDiagnosticPortSuspend"] = "1";
        using Process child = Process.Start(start)!;
        var published = Stopwatch.StartNew();
        while (!DiagnosticsClient.GetPublishedProcesses().Contains(child.Id))
        {
            if (child.HasExited || published.Elapsed > TimeSpan.FromSeconds(30))
            {
                problem = $"the workload process {(child.HasExited ? $"exited with code {child.ExitCode}" : "never opened its diagnostics port")} before tracing could start.";
                return 1;
            }

            Thread.Sleep(10);
        }

        var client = new DiagnosticsClient(child.Id);
        var providers = new List<EventPipeProvider>
        {
            new("Microsoft-DotNETCore-SampleProfiler", EventLevel.Informational),
            new("Microsoft-Windows-DotNETRuntime", EventLevel.Informational, RuntimeKeywords),
            new("PerfKit", EventLevel.Informational, -1, new Dictionary<string, string> { ["EventCounterIntervalSec"] = "1" }),
        };
        using (EventPipeSession session = client.StartEventPipeSession(providers, requestRundown: true, circularBufferMB: 256))
        {
            client.ResumeRuntime();
            using FileStream file = File.Create(tracePath);
            session.EventStream.CopyTo(file); // ends when the child exits (rundown included)
        }

        string errors = child.StandardError.ReadToEnd();
        child.WaitForExit();
        problem = child.ExitCode == 0 ? null
            : $"the workload crashed (exit code {child.ExitCode}); the partial trace is at {tracePath}. {errors.Split('\n').FirstOrDefault()}";
        return child.ExitCode;
    }

    private static bool TryParseSeconds(string text, out double seconds) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out seconds) && seconds >= 0.1 && seconds <= 600;

}
