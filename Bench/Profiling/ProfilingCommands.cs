using System.Diagnostics;
using System.Diagnostics.Tracing;
using System.Globalization;
using Microsoft.Diagnostics.NETCore.Client;
using System.CommandLine;
using PerfKit.Bench.Cli;
using PerfKit.Bench.Results;
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

    /// <summary>The hidden <c>workload &lt;name&gt; &lt;seconds&gt;</c> command that <c>trace</c>'s child process runs.</summary>
    public static Command CreateWorkload()
    {
        Argument<string> name = WorkloadArgument();
        var seconds = new Argument<double>("seconds") { Description = "how long to run" };
        seconds.Validators.Add(r =>
        {
            if (CliOptions.TryGetValue(r, out double value) && !ValidSeconds(value))
            {
                r.AddError(SecondsError);
            }
        });
        var command = new Command("workload", "Run one profiling workload in this process (what 'trace' records)") { name, seconds };
        command.Hidden = true;
        command.SetAction(parsed =>
        {
            ProfileWorkloads.Run(parsed.GetValue(name)!, parsed.GetValue(seconds));
            return 0;
        });
        return command;
    }

    /// <summary>The <c>trace</c> command.</summary>
    public static Command CreateTrace()
    {
        Argument<string> workload = WorkloadArgument();
        Option<double> seconds = CliOptions.Number("--seconds", "how long the workload runs", 5, MinSeconds, MaxSeconds);
        Option<DirectoryInfo?> output = CliOptions.Out("trace");
        var command = new Command("trace",
            "Record a workload with EventPipe (CPU samples, GC, contention, JIT, PerfKit events and counters) in a child process suspended at startup, then analyse it")
        {
            workload, seconds, output,
        };
        command.SetAction(parsed => Trace(parsed.GetValue(workload)!, parsed.GetValue(seconds), parsed.GetValue(output)?.FullName ?? RunFolders.NewCommandRun("trace")));
        return command;
    }

    /// <summary>The <c>analyze</c> command.</summary>
    public static Command CreateAnalyze()
    {
        var trace = new Argument<FileInfo>("trace") { Description = "a .nettrace file (this kit's, BenchmarkDotNet's, dotnet-trace's)" };
        Option<DirectoryInfo?> output = CliOptions.Out("analyze");
        var command = new Command("analyze", "Analyse any EventPipe trace: hot methods, GC, contention, PerfKit events; writes markdown and a speedscope file") { trace, output };
        command.SetAction(parsed =>
        {
            string path = parsed.GetValue(trace)!.FullName;
            return AnalyzeInto(path, parsed.GetValue(output)?.FullName ?? RunFolders.NewCommandRun("analyze"));
        });
        return command;
    }

    /// <summary>Records <paramref name="workload"/> for <paramref name="seconds"/> into <paramref name="output"/> and analyses it; returns the exit code.</summary>
    public static int Trace(string workload, double seconds, string output)
    {
        Directory.CreateDirectory(output);
        string tracePath = Path.Combine(output, workload + ".nettrace");
        Console.WriteLine($"trace: recording '{workload}' for {seconds} s in a child process");
        int exitCode = Record(workload, seconds, tracePath, out string? problem);
        if (problem is not null)
        {
            return BenchCommandLine.Fail(problem, exitCode: 1);
        }

        Console.WriteLine($"Trace: {tracePath} ({new FileInfo(tracePath).Length / 1024:N0} KiB). Analysing ...");
        return AnalyzeInto(tracePath, output);
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
        WorkloadBanner.Print("trace: the workload runs in a child process", child.Id);
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

    private const double MinSeconds = 0.1, MaxSeconds = 600;
    private const string SecondsError = "seconds must be from 0.1 to 600.";

    private static bool ValidSeconds(double seconds) => seconds is >= MinSeconds and <= MaxSeconds;

    private static Argument<string> WorkloadArgument()
    {
        var workload = new Argument<string>("workload") { Description = $"one of: {string.Join(", ", ProfileWorkloads.Names.Keys)}" };
        workload.AcceptOnlyFromAmong([.. ProfileWorkloads.Names.Keys]);
        return workload;
    }

}
