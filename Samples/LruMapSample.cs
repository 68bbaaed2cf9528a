using PerfKit.Maps;

namespace PerfKit.Samples;

internal static class LruMapSample
{
    public static void Run()
    {
        // <readme:lru-map>
        var map = new LruHashMap<ulong, ulong>(new LruHashMapOptions { MaxEntries = 65_536 }); // common flavor
        MapResult result = map.Update(42, 7);        // MapResult.Ok; flags Any / NoExist / Exist as BPF_ANY/NOEXIST/EXIST
        if (map.TryLookup(42, out ulong value)) { }  // as a BPF program looks up: sets the reference bit
        map.TryPeek(42, out value);                  // as user space looks up: leaves the reference bit alone
        map.TryWrite(42, 8);                         // in place, as a program writes through its lookup's pointer: never evicts
        map.LookupAndDelete(42, out value);          // value == 8; Delete(key) when the value is not needed
        foreach ((ulong k, ulong v) in map) { }      // like walking get_next_key; safe while others mutate
        // </readme:lru-map>
        Check.That(result == MapResult.Ok && value == 8 && map.Count == 0, "lru-map");
    }
}
