namespace PerfKit.Bench.Results;

/// <summary>The one-row CSV tables that steps of a run write (a header line, then one row of figures).</summary>
public static class StepTable
{
    /// <summary>
    /// The fields of the one row of <paramref name="csv"/>, or null if there is no such file.
    /// </summary>
    /// <exception cref="InvalidDataException">The file does not start with <paramref name="header"/> or its row does not have as many fields.</exception>
    public static string[]? ReadRow(string csv, string header)
    {
        if (!File.Exists(csv))
        {
            return null;
        }

        string[] lines = File.ReadAllLines(csv);
        string[] fields = lines.Length >= 2 && lines[0] == header ? lines[1].Split(',') : [];
        return fields.Length == header.Split(',').Length
            ? fields
            : throw new InvalidDataException($"{csv} is not the table it should be (expected the header '{header}' and one row).");
    }
}
