using System.Globalization;
using System.IO.Compression;

namespace PerfKit.Bench.HitRate;

/// <summary>A cache trace loaded into memory: its name, the capacities to replay it at, and its requested keys.</summary>
/// <param name="Name">Short name (the file name without extension).</param>
/// <param name="Capacities">Capacities to simulate.</param>
/// <param name="Keys">Requested keys, in order.</param>
public sealed record CacheTrace(string Name, IReadOnlyList<int> Capacities, long[] Keys)
{
    /// <summary>Capacities commonly reported for the ARC OLTP trace.</summary>
    public static readonly int[] ArcCapacities = [256, 512, 1000, 2000];

    /// <summary>Capacities for the LIRS traces (128–1024 as commonly reported, plus 2048 to show the loop traces crossing over).</summary>
    public static readonly int[] LirsCapacities = [128, 256, 512, 1024, 2048];

    /// <summary>
    /// Reads a gzip trace: <c>*.lis.gz</c> in the ARC format (<c>start count ignored request</c>, expanded into
    /// <c>count</c> consecutive keys), otherwise the LIRS format (one integer key per line; <c>*</c> and empty
    /// lines skipped).
    /// </summary>
    /// <exception cref="InvalidDataException">The file is not gzip, or a line is not in the expected format (the message names the line).</exception>
    public static CacheTrace Load(string path)
    {
        string file = Path.GetFileName(path);
        bool arc = file.EndsWith(".lis.gz", StringComparison.OrdinalIgnoreCase);
        string name = file.Replace(".lis.gz", string.Empty, StringComparison.OrdinalIgnoreCase)
            .Replace(".trace.gz", string.Empty, StringComparison.OrdinalIgnoreCase);
        var keys = new List<long>();
        using var stream = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var reader = new StreamReader(stream);
        int lineNumber = 0;
        try
        {
            for (string? line = reader.ReadLine(); line is not null; line = reader.ReadLine())
            {
                lineNumber++;
                ReadOnlySpan<char> text = line.AsSpan().Trim();
                if (arc)
                {
                    ReadArcLine(text, keys, path, lineNumber);
                }
                else if (!text.IsEmpty && text is not "*")
                {
                    keys.Add(ParseKey(text, path, lineNumber));
                }
            }
        }
        catch (InvalidDataException e) when (lineNumber == 0)
        {
            throw new InvalidDataException($"{path} is not a gzip file: {e.Message}", e);
        }

        if (keys.Count == 0)
        {
            throw new InvalidDataException($"{path} holds no requests.");
        }

        return new CacheTrace(name, arc ? ArcCapacities : LirsCapacities, keys.ToArray());
    }

    private static void ReadArcLine(ReadOnlySpan<char> text, List<long> keys, string path, int lineNumber)
    {
        if (text.IsEmpty)
        {
            return;
        }

        Span<Range> fields = stackalloc Range[5];
        int count = text.Split(fields, ' ', StringSplitOptions.RemoveEmptyEntries);
        if (count < 2)
        {
            throw new InvalidDataException($"{path}:{lineNumber}: expected 'start_block block_count ...', got '{text}'.");
        }

        long start = ParseKey(text[fields[0]], path, lineNumber);
        long blocks = ParseKey(text[fields[1]], path, lineNumber);
        for (long b = 0; b < blocks; b++)
        {
            keys.Add(start + b);
        }
    }

    private static long ParseKey(ReadOnlySpan<char> text, string path, int lineNumber) =>
        long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long key)
            ? key
            : throw new InvalidDataException($"{path}:{lineNumber}: '{text}' is not an integer key.");
}
