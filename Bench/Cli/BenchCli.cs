using System.CommandLine;
using PerfKit.Bench.Runs;

namespace PerfKit.Bench.Cli;

/// <summary>
/// PerfKit.Bench's command line (System.CommandLine): the benchmark run at the root, with suite names and
/// BenchmarkDotNet's options passed through, and one subcommand per tool. Parse errors are one line on standard
/// error with exit code 2.
/// </summary>
public static class BenchCli
{
    private const string RootDescription = """
        PerfKit's benchmarks and tools. Results go under perf-results/local/ (ignored by git) and each command says where;
        only 'publish' changes the tracked results.

        With no arguments: the default run (about 10 minutes on 2 cores): the headline benchmark suites, the memory
        table, the instrumentation cost, the hook latency distributions, the hit rates, and a report with plots, all in
        perf-results/local/runs/<date-time>/.

        With suite names (see 'list'): only those suites. Any option not listed below goes to BenchmarkDotNet unchanged
        (--filter, --job, --runtimes, --profiler, --exporters, --artifacts, --inProcess, ...); 'benchmarkdotnet-help' lists them.

        Examples:
          dotnet run -c Release --project Bench                                   the default run
          dotnet run -c Release --project Bench -- maps --filter '*Zipf*'         one class of one suite
          dotnet run -c Release --project Bench -- cookies --job short            a BenchmarkDotNet job
          dotnet run -c Release --project Bench -- kernel-check                   PerfKit against the running kernel
          dotnet run -c Release --project Bench -- help hitrate                   one command's options
        """;

    /// <summary>Builds the root command and every subcommand.</summary>
    public static RootCommand Create()
    {
        var list = new Option<bool>("--list") { Description = "list the suites and their benchmark classes (as 'list')" };
        var root = new RootCommand($"{RootDescription}\n\nSuites ('all' runs every one):{SuiteList.Describe()}") { list };
        root.TreatUnmatchedTokensAsErrors = false; // suite names and BenchmarkDotNet's options
        root.SetAction(parsed => parsed.GetValue(list) ? SuiteList.Print() : BenchmarkRunCommand.Run([.. parsed.UnmatchedTokens]));

        Command[] commands =
        [
            SuiteList.Create(),
            Report.ReportCommand.Create(),
            Report.PublishCommand.Create(),
            HitRate.HitRateCommand.Create(),
            Planning.PlanCommand.Create(),
            Memory.MemoryCommand.Create(),
            Diagnostics.OverheadCommand.Create(),
            Hooks.HookLatencyCommand.Create(),
            Kernel.KernelCheckCommand.Create(),
            Kernel.KernelBaselineCommand.Create(),
            SoakCommand.Create(),
            Profiling.ProfilingCommands.CreateTrace(),
            Profiling.ProfilingCommands.CreateAnalyze(),
            Profiling.ProfilingCommands.CreateWorkload(),
            BenchmarkRunCommand.CreateBenchmarkDotNetHelp(),
        ];
        foreach (Command command in commands)
        {
            root.Subcommands.Add(command);
        }

        root.Subcommands.Add(CreateHelp(root));
        return root;
    }

    /// <summary>Parses <paramref name="args"/> and runs the command they name; returns the exit code.</summary>
    public static int Run(string[] args)
    {
        RootCommand root = Create();
        ParseResult parsed = root.Parse(args);
        bool subcommand = parsed.CommandResult.Command is not RootCommand;
        string? error = parsed.Errors.Count > 0 ? parsed.Errors[0].Message
            : subcommand && parsed.UnmatchedTokens.Count > 0 ? $"unrecognized argument '{parsed.UnmatchedTokens[0]}'."
            : null; // only the root passes unknown options on (to BenchmarkDotNet)
        if (error is not null)
        {
            string command = string.Join(' ', subcommand ? CommandPath(parsed.CommandResult) : []);
            string oneLine = string.Join(' ', error.Split(['\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            return BenchCommandLine.Fail($"{oneLine} (see: {(command.Length > 0 ? command + " " : string.Empty)}--help)");
        }

        return parsed.Invoke();
    }

    private static Stack<string> CommandPath(System.CommandLine.Parsing.CommandResult result)
    {
        var names = new Stack<string>();
        for (System.CommandLine.Parsing.SymbolResult? r = result; r is System.CommandLine.Parsing.CommandResult c && c.Command is not RootCommand; r = r.Parent)
        {
            names.Push(c.Command.Name);
        }

        return names;
    }

    // "help" and "help <command>": the same text as --help.
    private static Command CreateHelp(RootCommand root)
    {
        var name = new Argument<string?>("command") { Description = "the command to describe", Arity = ArgumentArity.ZeroOrOne };
        var help = new Command("help", "Show the help of PerfKit.Bench or of one of its commands") { name };
        help.SetAction(parsed =>
        {
            string? target = parsed.GetValue(name);
            if (target is not null && !root.Subcommands.Any(c => c.Name == target))
            {
                return BenchCommandLine.Fail($"unknown command '{target}'. Commands: {string.Join(", ", root.Subcommands.Where(c => !c.Hidden).Select(c => c.Name))}.");
            }

            return root.Parse(target is null ? ["--help"] : [target, "--help"]).Invoke();
        });
        return help;
    }
}
