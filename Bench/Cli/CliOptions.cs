using System.CommandLine;
using System.Globalization;

namespace PerfKit.Bench.Cli;

/// <summary>The options PerfKit.Bench's commands share, each with its range in the help and a one-line error outside it.</summary>
public static class CliOptions
{
    /// <summary>An integer option with a default and an inclusive range.</summary>
    public static Option<int> Whole(string name, string description, int defaultValue, int min, int max) =>
        Ranged(name, description, defaultValue, min, max, "N0");

    /// <summary>A number option with a default and an inclusive range.</summary>
    public static Option<double> Number(string name, string description, double defaultValue, double min, double max) =>
        Ranged(name, description, defaultValue, min, max, "G");

    private static Option<T> Ranged<T>(string name, string description, T defaultValue, T min, T max, string format)
        where T : struct, System.Numerics.INumber<T>
    {
        string Text(T value) => value.ToString(format, CultureInfo.InvariantCulture);
        var option = new Option<T>(name)
        {
            Description = $"{description} ({Text(min)}–{Text(max)})",
            DefaultValueFactory = _ => defaultValue,
            HelpName = "N",
        };
        option.Validators.Add(result =>
        {
            if (TryGetValue(result, out T value) && (value < min || value > max))
            {
                result.AddError($"{name} must be from {Text(min)} to {Text(max)}, not {Text(value)}.");
            }
        });
        return option;
    }

    /// <summary>The <c>--out DIR</c> option of a command whose results go by default to <c>perf-results/local/&lt;command&gt;/&lt;date-time&gt;/</c>.</summary>
    public static Option<DirectoryInfo?> Out(string command) => new("--out")
    {
        Description = $"folder for the results [default: perf-results/local/{command}/<date-time>/, which git ignores]",
        HelpName = "DIR",
    };

    /// <summary>The option's value, or false when its text did not convert (the parser reports that error itself).</summary>
    public static bool TryGetValue<T>(System.CommandLine.Parsing.SymbolResult result, out T value)
    {
        ArgumentNullException.ThrowIfNull(result);
        try
        {
            value = result switch
            {
                System.CommandLine.Parsing.OptionResult option => option.GetValueOrDefault<T>(),
                System.CommandLine.Parsing.ArgumentResult argument => argument.GetValueOrDefault<T>(),
                _ => throw new ArgumentException("not an option or argument result", nameof(result)),
            };
            return true;
        }
        catch (InvalidOperationException)
        {
            value = default!;
            return false;
        }
    }
}
