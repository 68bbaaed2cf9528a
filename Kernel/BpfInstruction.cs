using System.Runtime.InteropServices;

namespace PerfKit.Kernel;

/// <summary>One eBPF instruction (<c>struct bpf_insn</c>): opcode, destination and source registers, offset, immediate.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 1, Size = 8)]
public readonly record struct BpfInstruction
{
    /// <summary>Creates an instruction from its fields.</summary>
    public BpfInstruction(byte opcode, BpfRegister destination, BpfRegister source, short offset, int immediate)
    {
        Opcode = opcode;
        Registers = (byte)(((int)source << 4) | ((int)destination & 0xf));
        Offset = offset;
        Immediate = immediate;
    }

    /// <summary>The opcode: class, size or operation, and source bits.</summary>
    public byte Opcode { get; }

    /// <summary>The destination register in the low four bits, the source in the high four.</summary>
    public byte Registers { get; }

    /// <summary>The signed offset (memory displacement, or jump distance in instructions from the next one).</summary>
    public short Offset { get; }

    /// <summary>The signed immediate (a constant, a helper id, or half of a 64-bit load).</summary>
    public int Immediate { get; }

    /// <summary>The destination register.</summary>
    public BpfRegister Destination => (BpfRegister)(Registers & 0xf);

    /// <summary>The source register.</summary>
    public BpfRegister Source => (BpfRegister)(Registers >> 4);

    /// <summary>This instruction with another offset (jump targets are resolved after the jump is emitted).</summary>
    internal BpfInstruction WithOffset(short offset) => new(Opcode, Destination, Source, offset, Immediate);
}

/// <summary>The eBPF registers: r0 return value, r1–r5 arguments (clobbered by calls), r6–r9 callee-saved, r10 the read-only frame pointer.</summary>
public enum BpfRegister
{
    /// <summary>Return value of calls and of the program.</summary>
    R0,

    /// <summary>First argument; the context on entry.</summary>
    R1,

    /// <summary>Second argument.</summary>
    R2,

    /// <summary>Third argument.</summary>
    R3,

    /// <summary>Fourth argument.</summary>
    R4,

    /// <summary>Fifth argument.</summary>
    R5,

    /// <summary>Callee-saved.</summary>
    R6,

    /// <summary>Callee-saved.</summary>
    R7,

    /// <summary>Callee-saved.</summary>
    R8,

    /// <summary>Callee-saved.</summary>
    R9,

    /// <summary>The frame pointer (read-only; the 512-byte stack lies below it).</summary>
    R10,
}

/// <summary>The 64-bit ALU operations PerfKit's programs use (the operation bits of <c>BPF_ALU64</c>).</summary>
public enum BpfAluOperation : byte
{
    /// <summary>dst += src.</summary>
    Add = 0x00,

    /// <summary>dst -= src.</summary>
    Subtract = 0x10,

    /// <summary>dst *= src.</summary>
    Multiply = 0x20,

    /// <summary>dst |= src.</summary>
    Or = 0x40,

    /// <summary>dst &amp;= src.</summary>
    And = 0x50,

    /// <summary>dst &lt;&lt;= src.</summary>
    ShiftLeft = 0x60,

    /// <summary>dst &gt;&gt;= src (logical).</summary>
    ShiftRight = 0x70,

    /// <summary>dst ^= src.</summary>
    Xor = 0xa0,

    /// <summary>dst = src.</summary>
    Move = 0xb0,
}

/// <summary>The conditional jumps (the operation bits of <c>BPF_JMP</c>), comparing 64-bit values.</summary>
public enum BpfJumpCondition : byte
{
    /// <summary>dst == src.</summary>
    Equal = 0x10,

    /// <summary>dst &gt; src, unsigned.</summary>
    Greater = 0x20,

    /// <summary>dst &gt;= src, unsigned.</summary>
    GreaterOrEqual = 0x30,

    /// <summary>dst != src.</summary>
    NotEqual = 0x50,

    /// <summary>dst &lt; src, unsigned.</summary>
    Less = 0xa0,

    /// <summary>dst &lt;= src, unsigned.</summary>
    LessOrEqual = 0xb0,
}

/// <summary>Memory access widths.</summary>
public enum BpfSize : byte
{
    /// <summary>4 bytes.</summary>
    Word = 0x00,

    /// <summary>2 bytes.</summary>
    Half = 0x08,

    /// <summary>1 byte.</summary>
    Byte = 0x10,

    /// <summary>8 bytes.</summary>
    DoubleWord = 0x18,
}

/// <summary>The helper functions PerfKit's programs call (<c>enum bpf_func_id</c>).</summary>
public enum BpfHelper
{
    /// <summary>bpf_map_lookup_elem(map, key): a pointer to the value, or null.</summary>
    MapLookupElem = 1,

    /// <summary>bpf_map_update_elem(map, key, value, flags): 0 or a negative errno.</summary>
    MapUpdateElem = 2,

    /// <summary>bpf_map_delete_elem(map, key): 0 or a negative errno.</summary>
    MapDeleteElem = 3,

    /// <summary>bpf_get_socket_cookie(ctx).</summary>
    GetSocketCookie = 46,

    /// <summary>bpf_get_netns_cookie(ctx, or null for the initial namespace): the seed commit's helper.</summary>
    GetNetnsCookie = 122,
}
