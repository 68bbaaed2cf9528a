using System.Globalization;
using PerfKit.Kernel;
using PerfKit.Maps;

namespace PerfKit.Conformance;

/// <summary>
/// Runs a <see cref="ConformanceCase"/> step by step on a fresh kernel map and a fresh PerfKit map, each step on
/// the same CPU in both (the thread pinned with <c>sched_setaffinity</c> for the kernel, <see cref="Cpu.Pin"/>
/// for PerfKit), and compares every result, every returned value, and the key set after every step.
/// </summary>
/// <remarks>
/// PerfKit's map is built with <c>PossibleCpus</c> = the kernel's possible CPUs. The calling thread's affinity is
/// restored when the run ends. The kernel must be usable (<see cref="KernelAvailability"/>).
/// </remarks>
public static class ConformanceRunner
{
    /// <summary>The CPUs a run may pin to: the online ones among the possible (indexes of <see cref="MapOperation.Cpu"/>).</summary>
    public static IReadOnlyList<int> Cpus { get; } = OnlinePossible();

    /// <summary>Runs <paramref name="conformanceCase"/>; returns the first divergence, or null when every step agreed.</summary>
    /// <param name="conformanceCase">The case.</param>
    /// <param name="freeTarget">The free-target policy of PerfKit's LRU map (ignored for the plain hash map).</param>
    /// <exception cref="BpfException">The kernel refused to create the map or load the lookup program.</exception>
    public static Divergence? Run(ConformanceCase conformanceCase, FreeTargetPolicy freeTarget) => RunCounted(conformanceCase, freeTarget).Divergence;

    /// <summary>Runs <paramref name="conformanceCase"/> and says what it exercised.</summary>
    /// <inheritdoc cref="Run"/>
    public static ConformanceOutcome RunCounted(ConformanceCase conformanceCase, FreeTargetPolicy freeTarget)
    {
        ArgumentNullException.ThrowIfNull(conformanceCase);
        using BpfMap kernel = conformanceCase.Kind.CreateKernelMap(conformanceCase.MaxEntries, "perfkit_conform");
        using var programLookup = new BpfProgramLookup(kernel);
        IPerfKitSide perfKit = CreatePerfKitSide(conformanceCase, freeTarget);
        int current = Cpus[0];
        var results = new ErrnoCounts();
        using AffinityScope restore = CpuAffinity.Pin(current);
        for (int step = 0; step < conformanceCase.Operations.Count; step++)
        {
            MapOperation op = conformanceCase.Operations[step];
            int cpu = Cpus[op.Cpu % Cpus.Count];
            if (cpu != current)
            {
                CpuAffinity.Set(cpu);
                current = cpu;
            }

            using CpuPin pin = Cpu.Pin(cpu);
            Divergence? divergence = RunStep(step, op, conformanceCase.KeySpace, kernel, programLookup, perfKit, results)
                ?? CompareKeys(step, op, kernel, perfKit);
            if (divergence is not null)
            {
                return new ConformanceOutcome(divergence, step + 1, perfKit.Evictions, results);
            }
        }

        return new ConformanceOutcome(null, conformanceCase.Operations.Count, perfKit.Evictions, results);
    }

    private static IPerfKitSide CreatePerfKitSide(ConformanceCase conformanceCase, FreeTargetPolicy freeTarget) => conformanceCase.Kind switch
    {
        KernelMapKind.Hash => new PerfKitHash(new HashMap<ulong, ulong>(new HashMapOptions
        {
            MaxEntries = conformanceCase.MaxEntries,
            PossibleCpus = KernelCpus.PossibleCount,
        })),
        _ => new PerfKitLru(new LruHashMap<ulong, ulong>(new LruHashMapOptions
        {
            MaxEntries = conformanceCase.MaxEntries,
            PossibleCpus = KernelCpus.PossibleCount,
            Flavor = conformanceCase.Kind == KernelMapKind.LruPerCpu ? LruFlavor.PerCpu : LruFlavor.Common,
            FreeTarget = freeTarget,
        })),
    };

    private static Divergence? RunStep(int step, MapOperation op, ulong keySpace, BpfMap kernel, BpfProgramLookup programLookup, IPerfKitSide perfKit, ErrnoCounts results)
    {
        switch (op.Kind)
        {
            case MapOperationKind.Update:
                return Compare(step, op, "update result", results.Add(kernel.Update(op.Key, op.Value, (BpfUpdateFlags)op.Flags)), perfKit.Update(op.Key, op.Value, op.Flags));
            case MapOperationKind.ProgramLookup:
                return CompareLookup(step, op, programLookup.TryLookup(op.Key, out ulong kernelValue), kernelValue, perfKit.ProgramLookup(op.Key, out ulong value), value);
            case MapOperationKind.SyscallLookup:
                return CompareLookup(step, op, kernel.Lookup(op.Key, out kernelValue) == Errno.None, kernelValue, perfKit.SyscallLookup(op.Key, out value), value);
            case MapOperationKind.Delete:
                return Compare(step, op, "delete result", results.Add(kernel.Delete(op.Key)), perfKit.Delete(op.Key));
            case MapOperationKind.LookupAndDelete:
                Errno kernelResult = results.Add(kernel.LookupAndDelete(op.Key, out kernelValue));
                Errno result = perfKit.LookupAndDelete(op.Key, out value);
                return Compare(step, op, "lookup-and-delete result", kernelResult, result)
                    ?? (result == Errno.None ? CompareLookup(step, op, true, kernelValue, true, value) : null);
            case MapOperationKind.Dump:
                return CompareEntries(step, op, kernel, perfKit);
            default:
                for (int i = 0; i < op.Count; i++)
                {
                    ulong key = (op.Key + (ulong)i) % keySpace;
                    ulong fillValue = op.Value + (ulong)i;
                    Divergence? divergence = Compare(step, op, string.Create(CultureInfo.InvariantCulture, $"update {i} of the fill (key {key})"),
                        results.Add(kernel.Update(key, fillValue)), perfKit.Update(key, fillValue, 0));
                    if (divergence is not null)
                    {
                        return divergence;
                    }
                }

                return null;
        }
    }

    private static Divergence? Compare(int step, MapOperation op, string what, Errno kernel, Errno perfKit) =>
        kernel == perfKit ? null : new Divergence(step, op, what, ErrnoNames.NameOf(kernel), ErrnoNames.NameOf(perfKit));

    private static Divergence? CompareLookup(int step, MapOperation op, bool kernelFound, ulong kernelValue, bool found, ulong value) =>
        kernelFound == found && (!found || kernelValue == value)
            ? null
            : new Divergence(step, op, "lookup", Describe(kernelFound, kernelValue), Describe(found, value));

    private static string Describe(bool found, ulong value) =>
        found ? string.Create(CultureInfo.InvariantCulture, $"found {value}") : "not found";

    private static Divergence? CompareKeys(int step, MapOperation op, BpfMap kernel, IPerfKitSide perfKit)
    {
        var kernelKeys = new HashSet<ulong>(kernel.Keys<ulong>());
        var keys = new HashSet<ulong>(perfKit.Entries.Select(e => e.Key));
        if (kernelKeys.SetEquals(keys))
        {
            return null;
        }

        return new Divergence(step, op, "key set after the step",
            SetDifference(kernelKeys, keys, kernelKeys.Count), SetDifference(keys, kernelKeys, keys.Count));
    }

    private static Divergence? CompareEntries(int step, MapOperation op, BpfMap kernel, IPerfKitSide perfKit)
    {
        var kernelEntries = new SortedDictionary<ulong, ulong>();
        foreach (ulong key in kernel.Keys<ulong>())
        {
            if (kernel.Lookup(key, out ulong value) == Errno.None)
            {
                kernelEntries[key] = value;
            }
        }

        var entries = new SortedDictionary<ulong, ulong>(perfKit.Entries.ToDictionary(e => e.Key, e => e.Value));
        if (kernelEntries.SequenceEqual(entries))
        {
            return null;
        }

        return new Divergence(step, op, "entries", Format(kernelEntries), Format(entries));
    }

    private static string SetDifference(HashSet<ulong> mine, HashSet<ulong> theirs, int count)
    {
        ulong[] only = [.. mine.Where(k => !theirs.Contains(k)).Order()];
        return string.Create(CultureInfo.InvariantCulture, $"{count} keys, {only.Length} not in the other [{string.Join(", ", only.Take(20))}{(only.Length > 20 ? ", ..." : "")}]");
    }

    private static string Format(SortedDictionary<ulong, ulong> entries) =>
        string.Create(CultureInfo.InvariantCulture, $"{entries.Count} entries {{{string.Join(", ", entries.Take(20).Select(e => $"{e.Key}={e.Value}"))}{(entries.Count > 20 ? ", ..." : "")}}}");

    private static int[] OnlinePossible()
    {
        if (!KernelAvailability.Current.IsAvailable)
        {
            return [0];
        }

        int[] cpus = [.. KernelCpus.Online.Where(c => c < KernelCpus.PossibleCount)];
        return cpus.Length > 0 ? cpus : [0];
    }
}
