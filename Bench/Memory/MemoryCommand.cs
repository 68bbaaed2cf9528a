using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using BitFaster.Caching.Lru;
using Microsoft.Extensions.Caching.Memory;
using System.CommandLine;
using PerfKit.Bench.Cli;
using PerfKit.Bench.Results;
using PerfKit.Maps;

namespace PerfKit.Bench.Memory;

/// <summary>
/// <c>memory [--entries N] [--out DIR]</c>: managed bytes per entry of each structure holding N (default 1,000,000)
/// ulong → ulong entries, and the gen0/1/2 collections during a steady-state loop of N updates of existing keys.
/// Measured with GC.GetTotalMemory(forceFullCollection: true) before and after building each structure in turn.
/// </summary>
public static class MemoryCommand
{
    /// <summary>One structure's figures.</summary>
    public sealed record Row(string Structure, long Entries, double BytesPerEntry, int Gen0, int Gen1, int Gen2);

    /// <summary>The structure name of the baseline the memory goal compares with.</summary>
    public const string ConcurrentLruName = "ConcurrentLru";

    /// <summary>The prefix of the LRU map's rows (one per flavor).</summary>
    public const string LruHashMapPrefix = "LruHashMap";

    /// <summary>Entries per structure unless <c>--entries</c> says otherwise.</summary>
    public const int DefaultEntries = 1_000_000;

    private const string CsvHeader = "structure,entries,bytes_per_entry,gen0,gen1,gen2";

    /// <summary>The <c>memory</c> command.</summary>
    public static Command Create()
    {
        Option<int> entries = CliOptions.Whole("--entries", "entries per structure", DefaultEntries, 1000, 10_000_000);
        Option<DirectoryInfo?> output = CliOptions.Out("memory");
        var command = new Command("memory", "Managed bytes per entry of the LRU map and its peers at N entries, and the collections during a steady-state update loop") { entries, output };
        command.SetAction(parsed => Run(parsed.GetValue(entries), parsed.GetValue(output)?.FullName ?? RunFolders.NewCommandRun("memory")));
        return command;
    }

    /// <summary>Measures every structure at <paramref name="entries"/> entries and writes README.md and memory.csv into <paramref name="output"/>; returns the exit code.</summary>
    public static int Run(int entries, string output)
    {
        WorkloadBanner.Print($"memory: {entries:N0} entries per structure");
        var rows = new List<Row>();
        foreach ((string name, Func<int, object> build, Action<object, ulong> update) in Structures())
        {
            Console.Write($"  {name,-28} ");
            rows.Add(Measure(name, entries, build, update));
            Console.WriteLine($"{rows[^1].BytesPerEntry,8:F1} B/entry, GCs during {entries:N0} updates: {rows[^1].Gen0}/{rows[^1].Gen1}/{rows[^1].Gen2}");
        }

        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, "README.md"), ToMarkdown(rows, entries));
        File.WriteAllText(Path.Combine(output, "memory.csv"), CsvHeader + "\n" + string.Concat(rows.Select(r =>
            string.Create(CultureInfo.InvariantCulture, $"{r.Structure},{r.Entries},{r.BytesPerEntry:F1},{r.Gen0},{r.Gen1},{r.Gen2}\n"))));
        Console.WriteLine($"Results: {output}");
        return 0;
    }

    /// <summary>Reads the rows a run wrote to <paramref name="csv"/>, or null if there is no such file.</summary>
    /// <exception cref="InvalidDataException">The file is not a memory table.</exception>
    public static IReadOnlyList<Row>? Read(string csv)
    {
        if (!File.Exists(csv))
        {
            return null;
        }

        string[] lines = File.ReadAllLines(csv);
        if (lines.Length < 2 || lines[0] != CsvHeader)
        {
            throw new InvalidDataException($"{csv} is not a memory table (expected the header '{CsvHeader}').");
        }

        try
        {
            return [.. lines.Skip(1).Select(l => l.Split(',')).Select(f => new Row(f[0], long.Parse(f[1], CultureInfo.InvariantCulture),
                double.Parse(f[2], CultureInfo.InvariantCulture), int.Parse(f[3], CultureInfo.InvariantCulture), int.Parse(f[4], CultureInfo.InvariantCulture), int.Parse(f[5], CultureInfo.InvariantCulture)))];
        }
        catch (Exception e) when (e is FormatException or IndexOutOfRangeException or OverflowException)
        {
            throw new InvalidDataException($"{csv} is not a memory table: {e.Message}", e);
        }
    }

    private static Row Measure(string name, int entries, Func<int, object> build, Action<object, ulong> update)
    {
        long before = GC.GetTotalMemory(forceFullCollection: true);
        object structure = build(entries);
        long after = GC.GetTotalMemory(forceFullCollection: true);
        var random = new Random(1);
        int gen0 = GC.CollectionCount(0), gen1 = GC.CollectionCount(1), gen2 = GC.CollectionCount(2);
        for (int i = 0; i < entries; i++)
        {
            update(structure, (ulong)random.Next(entries));
        }

        var row = new Row(name, entries, (double)(after - before) / entries,
            GC.CollectionCount(0) - gen0, GC.CollectionCount(1) - gen1, GC.CollectionCount(2) - gen2);
        (structure as IDisposable)?.Dispose();
        GC.KeepAlive(structure);
        return row;
    }

    // Each structure sized for the entries (the LRU maps preallocate every node), filled with keys 0..N-1; the
    // update loop writes existing keys the way a user of that structure would.
    private static IEnumerable<(string, Func<int, object>, Action<object, ulong>)> Structures()
    {
        var sizeOne = new MemoryCacheEntryOptions { Size = 1 };
        yield return ("LruHashMap Common", n => Fill(new LruHashMap<ulong, ulong>(new LruHashMapOptions { MaxEntries = n }), n),
            (s, k) => ((LruHashMap<ulong, ulong>)s).TryWrite(k, k + 1));
        yield return ("LruHashMap PerCpu", n => Fill(new LruHashMap<ulong, ulong>(new LruHashMapOptions { MaxEntries = n, Flavor = LruFlavor.PerCpu }), n),
            (s, k) => ((LruHashMap<ulong, ulong>)s).TryWrite(k, k + 1));
        yield return ("ConcurrentDictionary", n =>
        {
            var d = new ConcurrentDictionary<ulong, ulong>(Environment.ProcessorCount, n);
            for (ulong k = 0; k < (ulong)n; k++)
            {
                d[k] = k;
            }

            return d;
        }, (s, k) => ((ConcurrentDictionary<ulong, ulong>)s)[k] = k + 1);
        yield return ("FastConcurrentLru", n => FillLru(new FastConcurrentLru<ulong, ulong>(n), n), (s, k) => ((FastConcurrentLru<ulong, ulong>)s).AddOrUpdate(k, k + 1));
        yield return ("ConcurrentLru", n => FillLru(new ConcurrentLru<ulong, ulong>(n), n), (s, k) => ((ConcurrentLru<ulong, ulong>)s).AddOrUpdate(k, k + 1));
        yield return ("MemoryCache", n =>
        {
            var cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = n });
            for (ulong k = 0; k < (ulong)n; k++)
            {
                cache.Set(k, k, sizeOne);
            }

            return cache;
        }, (s, k) => ((MemoryCache)s).Set(k, k + 1, sizeOne));
    }

    private static LruHashMap<ulong, ulong> Fill(LruHashMap<ulong, ulong> map, int n)
    {
        for (ulong k = 0; k < (ulong)n; k++)
        {
            map.Update(k, k);
        }

        return map;
    }

    private static T FillLru<T>(T lru, int n)
        where T : BitFaster.Caching.ICache<ulong, ulong>
    {
        for (ulong k = 0; k < (ulong)n; k++)
        {
            lru.AddOrUpdate(k, k);
        }

        return lru;
    }

    private static string ToMarkdown(List<Row> rows, int entries)
    {
        double lru = rows.Single(r => r.Structure == ConcurrentLruName).BytesPerEntry;
        var md = new StringBuilder();
        md.Append(CultureInfo.InvariantCulture, $"# Memory\n\nGenerated by `dotnet run -c Release --project Bench -- memory` ({entries:N0} ulong → ulong entries; ")
          .Append("GC.GetTotalMemory after a full collection, before and after building each structure; the LRU maps preallocate ")
          .Append("every node, so their figure is per entry of capacity). GCs: collections during a steady-state loop of updates of ")
          .Append("existing keys (the LRU map writes in place, as a program does through its lookup's pointer).\n\n")
          .Append("| structure | bytes per entry | vs ConcurrentLru | gen0 | gen1 | gen2 |\n|---|---:|---:|---:|---:|---:|\n");
        foreach (Row r in rows)
        {
            md.Append(CultureInfo.InvariantCulture, $"| {r.Structure} | {r.BytesPerEntry:F1} | {r.BytesPerEntry / lru:F2}× | {r.Gen0} | {r.Gen1} | {r.Gen2} |\n");
        }

        return md.ToString();
    }
}
