namespace PerfKit.Kernel;

/// <summary>A position in a program under construction, for jumps forward and backward.</summary>
public readonly record struct BpfLabel(int Id);

/// <summary>
/// Builds eBPF instruction sequences with typed operands and named jump targets: only what PerfKit's programs
/// need (64-bit ALU, conditional jumps, loads and stores, 64-bit immediates and map references, helper calls,
/// exit). Encodings follow the kernel's instruction-set documentation.
/// </summary>
public sealed class BpfProgramBuilder
{
    private const byte ClassLd = 0x00, ClassLdx = 0x01, ClassSt = 0x02, ClassStx = 0x03, ClassJmp = 0x05, ClassAlu64 = 0x07;
    private const byte SourceImmediate = 0x00, SourceRegister = 0x08;
    private const byte ModeImmediate = 0x00, ModeMemory = 0x60;
    private const byte OpCall = 0x80, OpExit = 0x90, OpJumpAlways = 0x00;
    private const byte PseudoMapFd = 1;

    private readonly List<BpfInstruction> _instructions = [];
    private readonly List<int> _labelPositions = [];
    private readonly List<(int Index, BpfLabel Target)> _jumps = [];
    private readonly List<KernelFileDescriptor> _maps = [];

    /// <summary>The maps the program refers to (<see cref="BpfProgram.Load(BpfProgramType, BpfProgramBuilder, uint, string)"/> holds them open while it loads).</summary>
    public IReadOnlyList<KernelFileDescriptor> Maps => _maps;

    /// <summary>A new label, placed later with <see cref="Mark"/>.</summary>
    public BpfLabel DefineLabel()
    {
        _labelPositions.Add(-1);
        return new BpfLabel(_labelPositions.Count - 1);
    }

    /// <summary>Places <paramref name="label"/> at the next instruction.</summary>
    public BpfProgramBuilder Mark(BpfLabel label)
    {
        if ((uint)label.Id >= (uint)_labelPositions.Count)
        {
            throw new InvalidOperationException($"label {label.Id} was not defined by this builder");
        }

        if (_labelPositions[label.Id] >= 0)
        {
            throw new InvalidOperationException($"label {label.Id} is already placed");
        }

        _labelPositions[label.Id] = _instructions.Count;
        return this;
    }

    /// <summary>dst = dst op imm (64-bit; imm sign-extended).</summary>
    public BpfProgramBuilder Alu64(BpfAluOperation operation, BpfRegister dst, int imm) =>
        Emit((byte)(ClassAlu64 | SourceImmediate | (byte)operation), dst, BpfRegister.R0, 0, imm);

    /// <summary>dst = dst op src (64-bit).</summary>
    public BpfProgramBuilder Alu64(BpfAluOperation operation, BpfRegister dst, BpfRegister src) =>
        Emit((byte)(ClassAlu64 | SourceRegister | (byte)operation), dst, src, 0, 0);

    /// <summary>dst = imm (sign-extended to 64 bits).</summary>
    public BpfProgramBuilder Move(BpfRegister dst, int imm) => Alu64(BpfAluOperation.Move, dst, imm);

    /// <summary>dst = src.</summary>
    public BpfProgramBuilder Move(BpfRegister dst, BpfRegister src) => Alu64(BpfAluOperation.Move, dst, src);

    /// <summary>dst += imm.</summary>
    public BpfProgramBuilder Add(BpfRegister dst, int imm) => Alu64(BpfAluOperation.Add, dst, imm);

    /// <summary>dst += src.</summary>
    public BpfProgramBuilder Add(BpfRegister dst, BpfRegister src) => Alu64(BpfAluOperation.Add, dst, src);

    /// <summary>dst = a 64-bit constant (two instruction slots).</summary>
    public BpfProgramBuilder LoadImmediate64(BpfRegister dst, long value)
    {
        Emit(ClassLd | ModeImmediate | (byte)BpfSize.DoubleWord, dst, BpfRegister.R0, 0, (int)value);
        return Emit(0, BpfRegister.R0, BpfRegister.R0, 0, (int)(value >> 32));
    }

    /// <summary>dst = a pointer to <paramref name="map"/> (a 64-bit load of the map's fd, which the verifier replaces with the map).</summary>
    public BpfProgramBuilder LoadMap(BpfRegister dst, BpfMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        _maps.Add(map.Handle);
        Emit(ClassLd | ModeImmediate | (byte)BpfSize.DoubleWord, dst, (BpfRegister)PseudoMapFd, 0, map.Handle.Number);
        return Emit(0, BpfRegister.R0, BpfRegister.R0, 0, 0);
    }

    /// <summary>dst = *(size *)(src + offset).</summary>
    public BpfProgramBuilder Load(BpfSize size, BpfRegister dst, BpfRegister src, short offset) =>
        Emit((byte)(ClassLdx | ModeMemory | (byte)size), dst, src, offset, 0);

    /// <summary>*(size *)(dst + offset) = src.</summary>
    public BpfProgramBuilder Store(BpfSize size, BpfRegister dst, short offset, BpfRegister src) =>
        Emit((byte)(ClassStx | ModeMemory | (byte)size), dst, src, offset, 0);

    /// <summary>*(size *)(dst + offset) = imm.</summary>
    public BpfProgramBuilder StoreImmediate(BpfSize size, BpfRegister dst, short offset, int imm) =>
        Emit((byte)(ClassSt | ModeMemory | (byte)size), dst, BpfRegister.R0, offset, imm);

    /// <summary>if (dst cond imm) goto target.</summary>
    public BpfProgramBuilder JumpIf(BpfJumpCondition condition, BpfRegister dst, int imm, BpfLabel target) =>
        Jump((byte)(ClassJmp | SourceImmediate | (byte)condition), dst, BpfRegister.R0, imm, target);

    /// <summary>if (dst cond src) goto target.</summary>
    public BpfProgramBuilder JumpIf(BpfJumpCondition condition, BpfRegister dst, BpfRegister src, BpfLabel target) =>
        Jump((byte)(ClassJmp | SourceRegister | (byte)condition), dst, src, 0, target);

    /// <summary>goto target.</summary>
    public BpfProgramBuilder Goto(BpfLabel target) => Jump(ClassJmp | OpJumpAlways, BpfRegister.R0, BpfRegister.R0, 0, target);

    /// <summary>Calls a helper: arguments in r1–r5, result in r0; r1–r5 are clobbered.</summary>
    public BpfProgramBuilder Call(BpfHelper helper) => Emit(ClassJmp | OpCall, BpfRegister.R0, BpfRegister.R0, 0, (int)helper);

    /// <summary>Returns r0.</summary>
    public BpfProgramBuilder Exit() => Emit(ClassJmp | OpExit, BpfRegister.R0, BpfRegister.R0, 0, 0);

    /// <summary>The instructions, with every jump resolved.</summary>
    /// <exception cref="InvalidOperationException">A jump targets a label that was never placed (or not defined here), or is too far.</exception>
    public BpfInstruction[] Build()
    {
        BpfInstruction[] result = [.. _instructions];
        foreach ((int index, BpfLabel target) in _jumps)
        {
            int position = (uint)target.Id < (uint)_labelPositions.Count ? _labelPositions[target.Id] : -1;
            if (position < 0)
            {
                throw new InvalidOperationException($"label {target.Id} is jumped to but never placed");
            }

            int offset = position - (index + 1); // counted from the instruction after the jump
            if (offset is < short.MinValue or > short.MaxValue)
            {
                throw new InvalidOperationException($"jump at {index} to {position} is out of range");
            }

            result[index] = result[index].WithOffset((short)offset);
        }

        return result;
    }

    private BpfProgramBuilder Jump(byte opcode, BpfRegister dst, BpfRegister src, int imm, BpfLabel target)
    {
        _jumps.Add((_instructions.Count, target));
        return Emit(opcode, dst, src, 0, imm);
    }

    private BpfProgramBuilder Emit(byte opcode, BpfRegister dst, BpfRegister src, short offset, int imm)
    {
        _instructions.Add(new BpfInstruction(opcode, dst, src, offset, imm));
        return this;
    }
}
