using FsCheck;
using FsCheck.Fluent;

namespace PerfKit.Conformance;

/// <summary>
/// FsCheck generators of conformance cases: capacities from 1 through "smaller than CPUs × free target" to
/// thousands, key spaces from half to four times the capacity, and operation sequences mixing updates with every
/// flag (and an invalid one), program and syscall lookups, deletes, lookup-and-deletes, dumps and fills (bursts
/// of updates that reach eviction in large maps). Each operation runs on a CPU chosen among
/// the CPUs the run may pin to. Shrinking removes steps, shortens fills and halves the capacity.
/// </summary>
public static class ConformanceGenerators
{
    /// <summary>Cases for <paramref name="kind"/> on <paramref name="cpuCount"/> CPUs, with shrinking.</summary>
    public static Arbitrary<ConformanceCase> Cases(KernelMapKind kind, int cpuCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(cpuCount);
        return Arb.From(Case(kind, cpuCount), Shrink);
    }

    private static Gen<ConformanceCase> Case(KernelMapKind kind, int cpuCount) =>
        from capacity in Capacity(cpuCount)
        from keyFactor in Gen.Elements(1, 2, 4, 8) // key space: 0.5, 1, 2 or 4 times the capacity
        let keySpace = (ulong)Math.Max(2, capacity * keyFactor / 2)
        from ops in Gen.Sized(size => Gen.Choose(1, Math.Max(1, size)))
            .SelectMany(count => Operation(kind, cpuCount, capacity, keySpace).ArrayOf(count))
        select new ConformanceCase(kind, capacity, keySpace, ops);

    private static Gen<int> Capacity(int cpuCount) => Gen.Frequency(
        (2, Gen.Choose(1, 4)),
        (3, Gen.Choose(1, Math.Max(2, cpuCount * 16))), // below CPUs × adaptive target: refills and steals everywhere
        (3, Gen.Choose(8, 128)),
        (2, Gen.Choose(129, 1024)),
        (1, Gen.Choose(1025, 4096)));

    private static Gen<MapOperation> Operation(KernelMapKind kind, int cpuCount, int capacity, ulong keySpace)
    {
        Gen<int> cpu = Gen.Choose(0, cpuCount - 1);
        Gen<ulong> key = Gen.Choose(0, (int)Math.Min(keySpace - 1, int.MaxValue)).Select(k => (ulong)k);
        Gen<ulong> value = Gen.Choose(0, int.MaxValue).Select(v => (ulong)v);
        Gen<ulong> flags = Gen.Frequency((6, Gen.Constant(0UL)), (2, Gen.Constant(1UL)), (2, Gen.Constant(2UL)), (1, Gen.Constant(3UL)));
        int maxFill = Math.Max(1, 2 * capacity);
        return Gen.Frequency(
            (10, from c in cpu from k in key from v in value from f in flags select new MapOperation(MapOperationKind.Update, c, k, v, f)),
            (5, from c in cpu from k in key select new MapOperation(MapOperationKind.ProgramLookup, c, k)),
            (2, from c in cpu from k in key select new MapOperation(MapOperationKind.SyscallLookup, c, k)),
            (3, from c in cpu from k in key select new MapOperation(MapOperationKind.Delete, c, k)),
            (2, from c in cpu from k in key select new MapOperation(MapOperationKind.LookupAndDelete, c, k)),
            (1, Gen.Constant(new MapOperation(MapOperationKind.Dump, 0, 0))),
            (capacity > 32 ? 2 : 1, from c in cpu from k in key from v in value from n in Gen.Choose(1, maxFill)
                                    select new MapOperation(MapOperationKind.Fill, c, k, v, 0, n)));
    }

    /// <summary>Smaller cases that may still fail: halves of the sequence, each step removed, shorter fills, a smaller map.</summary>
    public static IEnumerable<ConformanceCase> Shrink(ConformanceCase conformanceCase)
    {
        ArgumentNullException.ThrowIfNull(conformanceCase);
        IReadOnlyList<MapOperation> ops = conformanceCase.Operations;
        if (ops.Count > 1)
        {
            yield return conformanceCase with { Operations = [.. ops.Take(ops.Count / 2)] };
            yield return conformanceCase with { Operations = [.. ops.Skip(ops.Count / 2)] };
        }

        for (int i = ops.Count - 1; i >= 0 && ops.Count > 1; i--)
        {
            yield return conformanceCase with { Operations = [.. ops.Take(i), .. ops.Skip(i + 1)] };
        }

        for (int i = 0; i < ops.Count; i++)
        {
            if (ops[i].Kind == MapOperationKind.Fill && ops[i].Count > 1)
            {
                MapOperation shorter = ops[i] with { Count = ops[i].Count / 2 };
                yield return conformanceCase with { Operations = [.. ops.Take(i), shorter, .. ops.Skip(i + 1)] };
            }
        }

        if (conformanceCase.MaxEntries > 1)
        {
            yield return conformanceCase with { MaxEntries = conformanceCase.MaxEntries / 2 };
        }
    }
}
