namespace PerfKit.Kernel;

/// <summary>
/// Looks keys up in a map <em>as a BPF program does</em>: an XDP program that copies the key from the packet, calls
/// <c>bpf_map_lookup_elem</c> and copies the value back, run once with BPF_PROG_TEST_RUN on the calling thread's
/// CPU. On an LRU map this sets the entry's reference bit, which a syscall lookup (<see cref="BpfMap.Lookup{TKey, TValue}"/>) does not.
/// </summary>
/// <remarks>Keys and values of a multiple of 8 bytes, up to 64 each. Not thread-safe (one packet buffer).</remarks>
public sealed class BpfProgramLookup : IDisposable
{
    private const int MaxBytes = 64;
    private const short FoundOffset = 2 * MaxBytes; // packet layout: key, value, found flag

    private readonly BpfProgram _program;
    private readonly byte[] _packet = new byte[FoundOffset + 8];
    private readonly byte[] _result = new byte[FoundOffset + 8];
    private readonly int _keySize;
    private readonly int _valueSize;

    /// <summary>Loads the lookup program for <paramref name="map"/>.</summary>
    /// <exception cref="ArgumentException">The map's key or value size is not a multiple of 8 up to 64.</exception>
    /// <exception cref="BpfException">The kernel refused the program.</exception>
    public BpfProgramLookup(BpfMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        if (map.KeySize % 8 != 0 || map.KeySize > MaxBytes || map.ValueSize % 8 != 0 || map.ValueSize > MaxBytes)
        {
            throw new ArgumentException($"key and value sizes must be multiples of 8 up to {MaxBytes} (this map: {map.KeySize}/{map.ValueSize})", nameof(map));
        }

        _keySize = map.KeySize;
        _valueSize = map.ValueSize;
        _program = BpfProgram.Load(BpfProgramType.Xdp, Build(map), name: "perfkit_lookup");
    }

    /// <summary>Looks <paramref name="key"/> up as a program on the calling thread's CPU.</summary>
    /// <returns>Whether the key was found; <paramref name="value"/> is its value then.</returns>
    public bool TryLookup<TKey, TValue>(in TKey key, out TValue value)
        where TKey : unmanaged
        where TValue : unmanaged
    {
        if (System.Runtime.CompilerServices.Unsafe.SizeOf<TKey>() != _keySize || System.Runtime.CompilerServices.Unsafe.SizeOf<TValue>() != _valueSize)
        {
            throw new ArgumentException($"this lookup is for {_keySize}-byte keys and {_valueSize}-byte values");
        }

        Array.Clear(_packet);
        System.Runtime.InteropServices.MemoryMarshal.Write(_packet, in key);
        BpfTestRunResult run = _program.TestRun(_packet, _result);
        value = System.Runtime.InteropServices.MemoryMarshal.Read<TValue>(_result.AsSpan(MaxBytes));
        if (run.ReturnValue == 0)
        {
            value = default;
        }

        return run.ReturnValue != 0;
    }

    /// <summary>Unloads the program.</summary>
    public void Dispose() => _program.Dispose();

    private BpfProgramBuilder Build(BpfMap map)
    {
        var b = new BpfProgramBuilder();
        BpfLabel miss = b.DefineLabel();
        BpfLabel done = b.DefineLabel();
        short stackKey = (short)-_keySize;
        b.Load(BpfSize.Word, BpfRegister.R7, BpfRegister.R1, 0)      // r7 = data
         .Load(BpfSize.Word, BpfRegister.R8, BpfRegister.R1, 4)      // r8 = data_end
         .Move(BpfRegister.R2, BpfRegister.R7)
         .Add(BpfRegister.R2, FoundOffset + 8)
         .Move(BpfRegister.R0, 0)
         .JumpIf(BpfJumpCondition.Greater, BpfRegister.R2, BpfRegister.R8, done); // the packet is too short
        for (short i = 0; i < _keySize; i += 8)
        {
            b.Load(BpfSize.DoubleWord, BpfRegister.R1, BpfRegister.R7, i)
             .Store(BpfSize.DoubleWord, BpfRegister.R10, (short)(stackKey + i), BpfRegister.R1);
        }

        b.LoadMap(BpfRegister.R1, map)
         .Move(BpfRegister.R2, BpfRegister.R10)
         .Add(BpfRegister.R2, stackKey)
         .Call(BpfHelper.MapLookupElem)
         .JumpIf(BpfJumpCondition.Equal, BpfRegister.R0, 0, miss);
        for (short i = 0; i < _valueSize; i += 8)
        {
            b.Load(BpfSize.DoubleWord, BpfRegister.R1, BpfRegister.R0, i)
             .Store(BpfSize.DoubleWord, BpfRegister.R7, (short)(MaxBytes + i), BpfRegister.R1);
        }

        b.Move(BpfRegister.R0, 1)
         .Goto(done)
         .Mark(miss)
         .Move(BpfRegister.R0, 0)
         .Mark(done)
         .Exit();
        return b;
    }
}
