using System.Diagnostics;
using PerfKit.Kernel;

namespace PerfKit.Bench.Kernel;

/// <summary>
/// A benchmark loop inside a BPF program, run with BPF_PROG_TEST_RUN: each run takes <see cref="Iterations"/>
/// consecutive keys from the calling CPU's stream (an ARRAY map holding one stream per CPU, a PERCPU_ARRAY cursor
/// saying where each CPU is) and applies the workload to the target map. The same loop with
/// <see cref="LoopWorkload.Overhead"/> measures what is not the map and is subtracted.
/// </summary>
/// <remarks>
/// Each call runs the program once and is timed by the caller's clock, as the managed loops are. Not with a repeat
/// count: an XDP test run with repeat &gt; 1 adds milliseconds to every call whatever the count, outside the kernel's
/// own timer but inside the wall time of a concurrent run on the other CPU. The call's fixed cost is in the bare loop
/// too, and subtracted with it.
/// </remarks>
public sealed class KernelLoop : IDisposable
{
    /// <summary>Iterations of one run: enough to dwarf a call's fixed cost, few enough for the verifier, which walks every iteration.</summary>
    public const int Iterations = 4096;

    private const short KeySlot = -16, ValueSlot = -24, IndexSlot = -4;

    private readonly BpfProgram _program;
    private readonly byte[] _packet = new byte[64];

    private KernelLoop(BpfProgram program) => _program = program;

    /// <summary>Builds the loop for <paramref name="workload"/> over <paramref name="target"/> (null for the overhead loop).</summary>
    /// <param name="workload">What each iteration does.</param>
    /// <param name="target">The map under test: 8-byte keys and values.</param>
    /// <param name="streams">The key streams (see <see cref="KeyStreams"/>).</param>
    /// <exception cref="BpfException">The verifier refused the program (its log is in the exception).</exception>
    public static KernelLoop Create(LoopWorkload workload, BpfMap? target, KeyStreams streams)
    {
        ArgumentNullException.ThrowIfNull(streams);
        if (workload != LoopWorkload.Overhead)
        {
            ArgumentNullException.ThrowIfNull(target);
        }

        var b = new BpfProgramBuilder();
        BpfLabel exit = b.DefineLabel(), loop = b.DefineLabel(), next = b.DefineLabel(), end = b.DefineLabel();
        // r6 = this CPU's cursor { stream base, position }.
        b.StoreImmediate(BpfSize.Word, BpfRegister.R10, IndexSlot, 0)
         .LoadMap(BpfRegister.R1, streams.Cursors).Move(BpfRegister.R2, BpfRegister.R10).Add(BpfRegister.R2, IndexSlot)
         .Call(BpfHelper.MapLookupElem)
         .JumpIf(BpfJumpCondition.Equal, BpfRegister.R0, 0, exit)
         .Move(BpfRegister.R6, BpfRegister.R0)
         .Load(BpfSize.DoubleWord, BpfRegister.R7, BpfRegister.R6, 0)  // r7 = stream base
         .Load(BpfSize.DoubleWord, BpfRegister.R8, BpfRegister.R6, 8)  // r8 = position
         .Move(BpfRegister.R9, 0)                                      // r9 = i
         .Mark(loop)
         .JumpIf(BpfJumpCondition.GreaterOrEqual, BpfRegister.R9, Iterations, end)
         // key = streams[base + ((position + i) & mask)]
         .Move(BpfRegister.R1, BpfRegister.R8).Add(BpfRegister.R1, BpfRegister.R9)
         .Alu64(BpfAluOperation.And, BpfRegister.R1, streams.Length - 1)
         .Add(BpfRegister.R1, BpfRegister.R7)
         .Store(BpfSize.Word, BpfRegister.R10, IndexSlot, BpfRegister.R1)
         .LoadMap(BpfRegister.R1, streams.Keys).Move(BpfRegister.R2, BpfRegister.R10).Add(BpfRegister.R2, IndexSlot)
         .Call(BpfHelper.MapLookupElem)
         .JumpIf(BpfJumpCondition.Equal, BpfRegister.R0, 0, next)
         .Load(BpfSize.DoubleWord, BpfRegister.R1, BpfRegister.R0, 0)
         .Store(BpfSize.DoubleWord, BpfRegister.R10, KeySlot, BpfRegister.R1);
        switch (workload)
        {
            case LoopWorkload.Lookup:
                EmitLookup(b, target!);
                break;
            case LoopWorkload.Update:
                EmitUpdate(b, target!);
                break;
            case LoopWorkload.LookupOrUpdate:
                EmitLookup(b, target!);
                b.JumpIf(BpfJumpCondition.NotEqual, BpfRegister.R0, 0, next);
                EmitUpdate(b, target!);
                break;
        }

        b.Mark(next)
         .Add(BpfRegister.R9, 1)
         .Goto(loop)
         .Mark(end)
         .Add(BpfRegister.R8, Iterations)
         .Store(BpfSize.DoubleWord, BpfRegister.R6, 8, BpfRegister.R8)
         .Mark(exit)
         .Move(BpfRegister.R0, 2) // XDP_PASS
         .Exit();
        return new KernelLoop(BpfProgram.Load(BpfProgramType.Xdp, b, name: $"perfkit_{workload}".ToLowerInvariant()));
    }

    /// <summary>Runs the loop once (<see cref="Iterations"/> operations) on the calling thread's CPU.</summary>
    public void RunOnce() => _program.TestRun(_packet);

    /// <summary>Runs the loop <paramref name="calls"/> times on the calling thread's CPU; returns the elapsed nanoseconds.</summary>
    public double Run(int calls)
    {
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < calls; i++)
        {
            _program.TestRun(_packet);
        }

        return Stopwatch.GetElapsedTime(start).TotalNanoseconds;
    }

    /// <summary>Unloads the program.</summary>
    public void Dispose() => _program.Dispose();

    private static void EmitLookup(BpfProgramBuilder b, BpfMap target) =>
        b.LoadMap(BpfRegister.R1, target).Move(BpfRegister.R2, BpfRegister.R10).Add(BpfRegister.R2, KeySlot)
         .Call(BpfHelper.MapLookupElem);

    private static void EmitUpdate(BpfProgramBuilder b, BpfMap target) =>
        b.Store(BpfSize.DoubleWord, BpfRegister.R10, ValueSlot, BpfRegister.R9)
         .LoadMap(BpfRegister.R1, target).Move(BpfRegister.R2, BpfRegister.R10).Add(BpfRegister.R2, KeySlot)
         .Move(BpfRegister.R3, BpfRegister.R10).Add(BpfRegister.R3, ValueSlot)
         .Move(BpfRegister.R4, 0)
         .Call(BpfHelper.MapUpdateElem);
}

/// <summary>
/// Per-CPU key streams for <see cref="KernelLoop"/>: an ARRAY map with one stream of <see cref="Length"/> keys per
/// possible CPU, and a PERCPU_ARRAY cursor per CPU (its stream's base index and its position in it).
/// </summary>
public sealed class KeyStreams : IDisposable
{
    /// <summary>Loads <paramref name="streams"/> (one per possible CPU, all of one power-of-two length) into the kernel.</summary>
    public KeyStreams(IReadOnlyList<ulong[]> streams)
    {
        ArgumentNullException.ThrowIfNull(streams);
        int cpus = KernelCpus.PossibleCount;
        Length = streams[0].Length;
        if (streams.Count != cpus || !int.IsPow2(Length) || streams.Any(s => s.Length != Length))
        {
            throw new ArgumentException($"need {cpus} streams of one power-of-two length", nameof(streams));
        }

        Streams = streams;
        Keys = BpfMap.Create(BpfMapType.Array, sizeof(uint), sizeof(ulong), cpus * Length, name: "perfkit_keys");
        for (int cpu = 0; cpu < cpus; cpu++)
        {
            for (int i = 0; i < Length; i++)
            {
                Check(Keys.Update((uint)(cpu * Length + i), streams[cpu][i]));
            }
        }

        Cursors = BpfMap.Create(BpfMapType.PerCpuArray, sizeof(uint), 2 * sizeof(ulong), 1, name: "perfkit_cursor");
        Rewind();
    }

    /// <summary>Keys in each CPU's stream (a power of two).</summary>
    public int Length { get; }

    /// <summary>The streams, by CPU.</summary>
    public IReadOnlyList<ulong[]> Streams { get; }

    /// <summary>The ARRAY of keys.</summary>
    public BpfMap Keys { get; }

    /// <summary>The PERCPU_ARRAY of cursors.</summary>
    public BpfMap Cursors { get; }

    /// <summary>Puts every CPU back at the start of its stream.</summary>
    public void Rewind()
    {
        int cpus = KernelCpus.PossibleCount;
        var cursors = new ulong[2 * cpus]; // user space sees one 16-byte value per possible CPU
        for (int cpu = 0; cpu < cpus; cpu++)
        {
            cursors[2 * cpu] = (ulong)(cpu * Length);
        }

        Check(Cursors.UpdateValues(0u, cursors));
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Keys.Dispose();
        Cursors.Dispose();
    }

    private static void Check(Errno errno)
    {
        if (errno != Errno.None)
        {
            throw new BpfException("filling the key streams", errno);
        }
    }
}
