using PerfKit.Maps;

namespace PerfKit.Conformance;

/// <summary>PerfKit's map under test, behind the operations a conformance case uses (results as the kernel's errno).</summary>
internal interface IPerfKitSide
{
    Kernel.Errno Update(ulong key, ulong value, ulong flags);

    bool ProgramLookup(ulong key, out ulong value);

    bool SyscallLookup(ulong key, out ulong value);

    Kernel.Errno Delete(ulong key);

    Kernel.Errno LookupAndDelete(ulong key, out ulong value);

    IEnumerable<KeyValuePair<ulong, ulong>> Entries { get; }

    long Evictions { get; }
}

/// <summary>Maps PerfKit's results onto the errno the kernel returns for the same outcome.</summary>
internal static class ResultErrno
{
    internal static Kernel.Errno Of(MapResult result) => result switch
    {
        MapResult.Ok => Kernel.Errno.None,
        MapResult.KeyExists => Kernel.Errno.EEXIST,
        MapResult.KeyNotFound => Kernel.Errno.ENOENT,
        MapResult.InvalidFlags => Kernel.Errno.EINVAL,
        MapResult.NoFreeNode => Kernel.Errno.ENOMEM,
        MapResult.MapFull => Kernel.Errno.E2BIG,
        _ => throw new ArgumentOutOfRangeException(nameof(result), result, "unknown map result"),
    };

    // Flags the kernel refuses (anything above BPF_EXIST) reach PerfKit as a value outside UpdateFlags, which it refuses too.
    internal static UpdateFlags Flags(ulong flags) => flags > int.MaxValue ? (UpdateFlags)int.MaxValue : (UpdateFlags)(int)flags;
}

internal sealed class PerfKitLru(LruHashMap<ulong, ulong> map) : IPerfKitSide
{
    public IEnumerable<KeyValuePair<ulong, ulong>> Entries => map;

    public long Evictions => map.Statistics.Evictions;

    public Kernel.Errno Update(ulong key, ulong value, ulong flags) => ResultErrno.Of(map.Update(key, value, ResultErrno.Flags(flags)));

    public bool ProgramLookup(ulong key, out ulong value) => map.TryLookup(key, out value);

    public bool SyscallLookup(ulong key, out ulong value) => map.TryPeek(key, out value);

    public Kernel.Errno Delete(ulong key) => ResultErrno.Of(map.Delete(key));

    public Kernel.Errno LookupAndDelete(ulong key, out ulong value) => ResultErrno.Of(map.LookupAndDelete(key, out value));
}

internal sealed class PerfKitHash(HashMap<ulong, ulong> map) : IPerfKitSide
{
    public IEnumerable<KeyValuePair<ulong, ulong>> Entries => map;

    public long Evictions => 0; // a plain hash map never evicts

    public Kernel.Errno Update(ulong key, ulong value, ulong flags) => ResultErrno.Of(map.Update(key, value, ResultErrno.Flags(flags)));

    public bool ProgramLookup(ulong key, out ulong value) => map.TryLookup(key, out value);

    public bool SyscallLookup(ulong key, out ulong value) => map.TryLookup(key, out value);

    public Kernel.Errno Delete(ulong key) => ResultErrno.Of(map.Delete(key));

    public Kernel.Errno LookupAndDelete(ulong key, out ulong value) => ResultErrno.Of(map.LookupAndDelete(key, out value));
}
