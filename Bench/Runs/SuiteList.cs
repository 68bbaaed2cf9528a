using System.CommandLine;

namespace PerfKit.Bench.Runs;

/// <summary><c>list</c>: the suites, what each measures and its benchmark classes.</summary>
public static class SuiteList
{
    /// <summary>The <c>list</c> command.</summary>
    public static Command Create()
    {
        var command = new Command("list", "List the benchmark suites, what each measures, and their classes");
        command.SetAction(_ => Print());
        return command;
    }

    /// <summary>One line per suite: its name and what it measures, indented for a help text.</summary>
    public static string Describe() => string.Concat(Suites.All.Append(Suites.Headline).Select(s => $"\n  {s.Name,-12} {s.Description}"));

    /// <summary>Prints the list; returns 0.</summary>
    public static int Print()
    {
        Console.WriteLine("Suites (run one with: dotnet run -c Release --project Bench -- <suite> [BenchmarkDotNet options]; 'all' runs every one):");
        foreach (Suite suite in Suites.All.Append(Suites.Headline))
        {
            Console.WriteLine($"  {suite.Name,-12} {suite.Description}");
            foreach (Type type in suite.Types)
            {
                Console.WriteLine($"               {type.Name}");
            }
        }

        return 0;
    }
}
