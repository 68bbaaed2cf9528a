using System.Runtime.InteropServices;

namespace PerfKit.Kernel.Interop;

/// <summary>
/// The raw bpf(2) system call and the parts of <c>union bpf_attr</c> PerfKit uses (layouts from
/// include/uapi/linux/bpf.h). Each attribute block is passed whole and zero-filled beyond the fields set, which
/// the kernel requires of the bytes past a command's last field.
/// </summary>
internal static unsafe class BpfSyscall
{
    internal const int MapCreate = 0;
    internal const int MapLookupElem = 1;
    internal const int MapUpdateElem = 2;
    internal const int MapDeleteElem = 3;
    internal const int MapGetNextKey = 4;
    internal const int ProgLoad = 5;
    internal const int ProgAttach = 8;
    internal const int ProgDetach = 9;
    internal const int ProgTestRun = 10;
    internal const int MapLookupAndDeleteElem = 21;

    /// <summary>The size passed for every command: larger than each block used, zero past its fields.</summary>
    private const int AttrSize = 128;

    /// <summary>__NR_bpf for this process's architecture, or 0 where PerfKit does not know it.</summary>
    internal static long Number { get; } = RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 321,
        Architecture.Arm64 => 280,
        _ => 0,
    };

    /// <summary>Runs command <paramref name="command"/> with <paramref name="attr"/>; returns the result (an fd for creating commands) or −1 with <paramref name="errno"/> set.</summary>
    internal static long Invoke<TAttr>(int command, ref TAttr attr, out Errno errno)
        where TAttr : unmanaged
    {
        var block = default(AttrBlock);
        MemoryMarshal.Write(block, in attr);
        long result = LibC.Syscall(Number, command, &block, AttrSize);
        errno = result < 0 ? LibC.LastErrno : Errno.None;
        // Commands that write back (test runs, load logs) write into the block: copy it out.
        attr = MemoryMarshal.Read<TAttr>(block);
        return result;
    }

    [System.Runtime.CompilerServices.InlineArray(AttrSize)]
    private struct AttrBlock
    {
        private byte _first;
    }

    /// <summary>BPF_PROG_ATTACH's and BPF_PROG_DETACH's fields.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 20)]
    internal struct ProgAttachAttr
    {
        [FieldOffset(0)] public uint TargetFd;
        [FieldOffset(4)] public uint AttachBpfFd;
        [FieldOffset(8)] public uint AttachType;
        [FieldOffset(12)] public uint AttachFlags;
    }

    /// <summary>BPF_MAP_CREATE's fields.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 48)]
    internal struct MapCreateAttr
    {
        [FieldOffset(0)] public uint MapType;
        [FieldOffset(4)] public uint KeySize;
        [FieldOffset(8)] public uint ValueSize;
        [FieldOffset(12)] public uint MaxEntries;
        [FieldOffset(16)] public uint MapFlags;
        [FieldOffset(28)] public MapName Name; // 16 bytes, NUL-terminated
    }

    /// <summary>A 16-byte object name (BPF_OBJ_NAME_LEN).</summary>
    [System.Runtime.CompilerServices.InlineArray(16)]
    internal struct MapName
    {
        private byte _first;

        internal static MapName From(string name)
        {
            var result = default(MapName);
            Span<byte> bytes = result;
            int length = Math.Min(name.Length, 15);
            for (int i = 0; i < length; i++)
            {
                char c = name[i];
                // The kernel accepts [A-Za-z0-9_.] only.
                bytes[i] = (byte)(char.IsAsciiLetterOrDigit(c) || c is '_' or '.' ? c : '_');
            }

            return result;
        }
    }

    /// <summary>The element commands' fields (lookup, update, delete, get-next-key, lookup-and-delete).</summary>
    [StructLayout(LayoutKind.Explicit, Size = 32)]
    internal struct ElemAttr
    {
        [FieldOffset(0)] public uint MapFd;
        [FieldOffset(8)] public ulong Key;
        [FieldOffset(16)] public ulong ValueOrNextKey;
        [FieldOffset(24)] public ulong Flags;
    }

    /// <summary>BPF_PROG_LOAD's fields.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 72)]
    internal struct ProgLoadAttr
    {
        [FieldOffset(0)] public uint ProgType;
        [FieldOffset(4)] public uint InsnCount;
        [FieldOffset(8)] public ulong Insns;
        [FieldOffset(16)] public ulong License;
        [FieldOffset(24)] public uint LogLevel;
        [FieldOffset(28)] public uint LogSize;
        [FieldOffset(32)] public ulong LogBuf;
        [FieldOffset(48)] public MapName Name;
        [FieldOffset(68)] public uint ExpectedAttachType;
    }

    /// <summary>BPF_PROG_TEST_RUN's fields.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 80)]
    internal struct TestRunAttr
    {
        [FieldOffset(0)] public uint ProgFd;
        [FieldOffset(4)] public uint Retval;
        [FieldOffset(8)] public uint DataSizeIn;
        [FieldOffset(12)] public uint DataSizeOut;
        [FieldOffset(16)] public ulong DataIn;
        [FieldOffset(24)] public ulong DataOut;
        [FieldOffset(32)] public uint Repeat;
        [FieldOffset(36)] public uint Duration;
    }
}
