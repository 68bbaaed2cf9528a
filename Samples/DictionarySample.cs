using PerfKit.Maps;

namespace PerfKit.Samples;

internal static class DictionarySample
{
    public static void Run()
    {
        // <readme:dictionary>
        var sessions = new LruHashMap<long, long>(new LruHashMapOptions { MaxEntries = 10_000 });
        long backend = sessions.GetOrAdd(1001, client => client % 4);          // the value in the map, whichever thread added it
        bool added = sessions.TryAdd(1002, 3);                                   // BPF_NOEXIST
        long hits = sessions.AddOrUpdate(1003, 1, (_, old) => old + 1);           // 1, then 2, 3, ... on later calls
        bool swapped = sessions.TryUpdate(1002, newValue: 2, comparisonValue: 3); // compare-and-write in place, never evicts
        sessions[1004] = 5;                                                       // Update(key, value, UpdateFlags.Any)
        bool found = sessions.TryGetValue(1004, out long five);                   // a program lookup: sets the reference bit
        bool gone = sessions.TryRemove(1001, out long removed);                   // LookupAndDelete
        // </readme:dictionary>
        Check.That(backend == 1 && added && hits == 1 && swapped && found && five == 5 && gone && removed == 1
            && sessions.ContainsKey(1002) && !sessions.ContainsKey(1001) && sessions.Keys.Count() == 3, "dictionary");
    }
}
