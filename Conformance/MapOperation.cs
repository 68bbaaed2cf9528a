using System.Globalization;

namespace PerfKit.Conformance;

/// <summary>What a conformance step does.</summary>
public enum MapOperationKind
{
    /// <summary>BPF_MAP_UPDATE_ELEM with <see cref="MapOperation.Flags"/> (3 is invalid: EINVAL).</summary>
    Update,

    /// <summary>A BPF program's lookup (sets an LRU entry's reference bit).</summary>
    ProgramLookup,

    /// <summary>A syscall lookup (leaves the reference bit alone).</summary>
    SyscallLookup,

    /// <summary>BPF_MAP_DELETE_ELEM.</summary>
    Delete,

    /// <summary>BPF_MAP_LOOKUP_AND_DELETE_ELEM.</summary>
    LookupAndDelete,

    /// <summary>Every key with its value, compared.</summary>
    Dump,

    /// <summary><see cref="MapOperation.Count"/> updates (BPF_ANY) of consecutive keys from <see cref="MapOperation.Key"/>, wrapping in the key space.</summary>
    Fill,
}

/// <summary>One step of a conformance case, run on CPU <see cref="Cpu"/> (an index into the CPUs the run may pin to).</summary>
/// <param name="Kind">The operation.</param>
/// <param name="Cpu">The CPU index.</param>
/// <param name="Key">The key (the first key of a fill).</param>
/// <param name="Value">The value an update writes.</param>
/// <param name="Flags">An update's flags: 0 any, 1 no-exist, 2 exist, 3 invalid.</param>
/// <param name="Count">A fill's number of updates.</param>
public readonly record struct MapOperation(MapOperationKind Kind, int Cpu, ulong Key, ulong Value = 0, ulong Flags = 0, int Count = 0)
{
    /// <summary>A compact form for failure reports, e.g. <c>cpu1 update(5=7, noexist)</c>.</summary>
    public override string ToString() => Kind switch
    {
        MapOperationKind.Update => string.Create(CultureInfo.InvariantCulture, $"cpu{Cpu} update({Key}={Value}, {FlagName(Flags)})"),
        MapOperationKind.ProgramLookup => string.Create(CultureInfo.InvariantCulture, $"cpu{Cpu} prog-lookup({Key})"),
        MapOperationKind.SyscallLookup => string.Create(CultureInfo.InvariantCulture, $"cpu{Cpu} sys-lookup({Key})"),
        MapOperationKind.Delete => string.Create(CultureInfo.InvariantCulture, $"cpu{Cpu} delete({Key})"),
        MapOperationKind.LookupAndDelete => string.Create(CultureInfo.InvariantCulture, $"cpu{Cpu} lookup-and-delete({Key})"),
        MapOperationKind.Dump => "dump",
        _ => string.Create(CultureInfo.InvariantCulture, $"cpu{Cpu} fill({Key}..+{Count})"),
    };

    private static string FlagName(ulong flags) => flags switch
    {
        0 => "any",
        1 => "noexist",
        2 => "exist",
        _ => string.Create(CultureInfo.InvariantCulture, $"invalid {flags}"),
    };
}
