namespace PerfKit.Bench.Cli;

/// <summary>How PerfKit.Bench's commands fail: one line on standard error, and an exit code (2 for a bad command line).</summary>
public static class BenchCommandLine
{
    /// <summary>Prints <c>error: message</c> on standard error and returns <paramref name="exitCode"/>.</summary>
    public static int Fail(string message, int exitCode = 2)
    {
        Console.Error.WriteLine($"error: {message}");
        return exitCode;
    }
}
