namespace PerfKit.Bench.Infrastructure;

/// <summary>The command-line conventions of PerfKit.Bench's commands: <c>--name value</c> options, one-line errors, exit code 2.</summary>
public static class BenchCommandLine
{
    /// <summary>
    /// Reads <c>--name value</c> pairs from <paramref name="args"/>, starting at <paramref name="first"/>. Each option's
    /// handler receives the value and returns false if it does not accept it. On an unknown option, a missing value
    /// or a refused one, prints one error line with <paramref name="usage"/> and returns false.
    /// </summary>
    public static bool TryReadOptions(IReadOnlyList<string> args, int first, IReadOnlyDictionary<string, Func<string, bool>> options, string usage)
    {
        for (int i = first; i < args.Count; i += 2)
        {
            if (!options.TryGetValue(args[i], out Func<string, bool>? accept) || i + 1 >= args.Count || !accept(args[i + 1]))
            {
                Fail($"bad or incomplete argument '{args[i]}'. Usage: {usage}");
                return false;
            }
        }

        return true;
    }

    /// <summary>Prints <c>error: message</c> on standard error and returns <paramref name="exitCode"/>.</summary>
    public static int Fail(string message, int exitCode = 2)
    {
        Console.Error.WriteLine($"error: {message}");
        return exitCode;
    }
}
