namespace PerfKit.Bench.Cli;

/// <summary>The line a command prints before a long in-process workload: what runs, this process's id, and how to watch its counters.</summary>
public static class WorkloadBanner
{
    /// <summary>The <c>dotnet-counters</c> command line that watches a running PerfKit.Bench's PerfKit counters.</summary>
    public const string CountersCommand = "dotnet-counters monitor --name PerfKit.Bench --counters PerfKit";

    /// <summary>Prints <paramref name="what"/>, the process id and <see cref="CountersCommand"/>.</summary>
    public static void Print(string what)
    {
        Console.WriteLine($"{what} (process {Environment.ProcessId}; watch it with: {CountersCommand})");
    }

    /// <summary>Prints <paramref name="what"/> for a workload in another process, <paramref name="processId"/>, and the line that watches that one.</summary>
    public static void Print(string what, int processId)
    {
        Console.WriteLine($"{what} (process {processId}; watch it with: dotnet-counters monitor -p {processId} --counters PerfKit)");
    }
}
