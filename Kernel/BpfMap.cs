using System.Runtime.CompilerServices;
using PerfKit.Kernel.Interop;

namespace PerfKit.Kernel;

/// <summary>
/// A BPF map in the running kernel, driven by bpf(2) from the calling thread (so on the calling thread's CPU: pin
/// it with <see cref="CpuAffinity.Pin"/> to choose which CPU's lists an LRU operation uses). Keys and values are
/// unmanaged structs whose sizes are the map's key and value sizes.
/// </summary>
/// <remarks>
/// Element operations return the kernel's errno instead of throwing, since ENOENT, EEXIST, E2BIG and ENOMEM are
/// ordinary outcomes; creating a map throws <see cref="BpfException"/>. Thread-safe as the kernel is; disposing
/// while another thread uses the map makes that call fail with <see cref="ObjectDisposedException"/>.
/// </remarks>
public sealed unsafe class BpfMap : IDisposable
{
    private readonly KernelFileDescriptor _fd;

    private BpfMap(KernelFileDescriptor fd, BpfMapType type, int keySize, int valueSize, int maxEntries, BpfMapFlags flags)
    {
        _fd = fd;
        Type = type;
        KeySize = keySize;
        ValueSize = valueSize;
        MaxEntries = maxEntries;
        Flags = flags;
    }

    /// <summary>The map's type.</summary>
    public BpfMapType Type { get; }

    /// <summary>Key size in bytes.</summary>
    public int KeySize { get; }

    /// <summary>Value size in bytes (per CPU for per-CPU types).</summary>
    public int ValueSize { get; }

    /// <summary>The max_entries asked for (the kernel may round it, e.g. the per-CPU LRU flavor to a multiple of the CPUs).</summary>
    public int MaxEntries { get; }

    /// <summary>The creation flags.</summary>
    public BpfMapFlags Flags { get; }

    /// <summary>The bytes of a value as the syscalls pass it: per-CPU values cross as one 8-byte-aligned slot per possible CPU.</summary>
    public int UserValueSize => Type == BpfMapType.PerCpuArray ? ((ValueSize + 7) & ~7) * KernelCpus.PossibleCount : ValueSize;

    /// <summary>The map's file descriptor (for <see cref="BpfProgramBuilder.LoadMap"/>).</summary>
    public KernelFileDescriptor Handle => _fd;

    /// <summary>Creates a map (BPF_MAP_CREATE).</summary>
    /// <param name="type">The map type.</param>
    /// <param name="keySize">Key size in bytes (4 for arrays).</param>
    /// <param name="valueSize">Value size in bytes.</param>
    /// <param name="maxEntries">The capacity.</param>
    /// <param name="flags">Creation flags.</param>
    /// <param name="name">A name shown by bpftool (up to 15 characters of [A-Za-z0-9_.]).</param>
    /// <exception cref="BpfException">The kernel refused (e.g. EPERM without CAP_BPF, EINVAL for bad sizes).</exception>
    public static BpfMap Create(BpfMapType type, int keySize, int valueSize, int maxEntries, BpfMapFlags flags = BpfMapFlags.None, string name = "perfkit")
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(keySize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(valueSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxEntries);
        ArgumentNullException.ThrowIfNull(name);
        var attr = new BpfSyscall.MapCreateAttr
        {
            MapType = (uint)type,
            KeySize = (uint)keySize,
            ValueSize = (uint)valueSize,
            MaxEntries = (uint)maxEntries,
            MapFlags = (uint)flags,
            Name = BpfSyscall.MapName.From(name),
        };
        long fd = BpfSyscall.Invoke(BpfSyscall.MapCreate, ref attr, out Errno errno);
        if (fd < 0)
        {
            throw new BpfException($"BPF_MAP_CREATE ({type}, flags {flags}, {keySize}/{valueSize}-byte key/value, {maxEntries} entries)", errno);
        }

        return new BpfMap(new KernelFileDescriptor((int)fd), type, keySize, valueSize, maxEntries, flags);
    }

    /// <summary>Creates or replaces an element (BPF_MAP_UPDATE_ELEM) on the calling CPU.</summary>
    /// <returns><see cref="Errno.None"/>, or the kernel's errno: EEXIST, ENOENT, E2BIG, ENOMEM, EINVAL.</returns>
    public Errno Update<TKey, TValue>(in TKey key, in TValue value, BpfUpdateFlags flags = BpfUpdateFlags.Any)
        where TKey : unmanaged
        where TValue : unmanaged
    {
        CheckSizes<TKey, TValue>();
        fixed (TKey* k = &key)
        fixed (TValue* v = &value)
        {
            return Element(BpfSyscall.MapUpdateElem, k, v, (ulong)flags);
        }
    }

    /// <summary>
    /// Creates or replaces an element whose value is given as a span: for per-CPU maps, one 8-byte-aligned value
    /// per possible CPU, all at once.
    /// </summary>
    /// <returns><see cref="Errno.None"/>, or the kernel's errno.</returns>
    public Errno UpdateValues<TKey, TElement>(in TKey key, ReadOnlySpan<TElement> values, BpfUpdateFlags flags = BpfUpdateFlags.Any)
        where TKey : unmanaged
        where TElement : unmanaged
    {
        CheckKeySize<TKey>();
        ReadOnlySpan<byte> bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(values);
        if (bytes.Length != UserValueSize)
        {
            throw new ArgumentException($"the values are {bytes.Length} bytes; this map's values are {UserValueSize} bytes from user space.", nameof(values));
        }

        fixed (TKey* k = &key)
        fixed (byte* v = bytes)
        {
            return Element(BpfSyscall.MapUpdateElem, k, v, (ulong)flags);
        }
    }

    /// <summary>Looks an element up from user space (BPF_MAP_LOOKUP_ELEM). On an LRU map this does <em>not</em> set the reference bit.</summary>
    /// <returns><see cref="Errno.None"/> with <paramref name="value"/> set, or ENOENT.</returns>
    public Errno Lookup<TKey, TValue>(in TKey key, out TValue value)
        where TKey : unmanaged
        where TValue : unmanaged => ElementOut(BpfSyscall.MapLookupElem, key, out value);

    /// <summary>Deletes an element (BPF_MAP_DELETE_ELEM) on the calling CPU.</summary>
    /// <returns><see cref="Errno.None"/> or ENOENT.</returns>
    public Errno Delete<TKey>(in TKey key)
        where TKey : unmanaged
    {
        CheckKeySize<TKey>();
        fixed (TKey* k = &key)
        {
            return Element(BpfSyscall.MapDeleteElem, k, null, 0);
        }
    }

    /// <summary>Deletes an element and returns its value, atomically (BPF_MAP_LOOKUP_AND_DELETE_ELEM; hash maps since 5.14).</summary>
    /// <returns><see cref="Errno.None"/> with <paramref name="value"/> set, or ENOENT.</returns>
    public Errno LookupAndDelete<TKey, TValue>(in TKey key, out TValue value)
        where TKey : unmanaged
        where TValue : unmanaged => ElementOut(BpfSyscall.MapLookupAndDeleteElem, key, out value);

    /// <summary>
    /// The key after <paramref name="key"/> in the map's iteration order (BPF_MAP_GET_NEXT_KEY); with no key, or a
    /// key not in the map, the first key. Iteration order is bucket order, not insertion or LRU order.
    /// </summary>
    /// <returns><see cref="Errno.None"/> with <paramref name="next"/> set, or ENOENT at the end.</returns>
    public Errno GetNextKey<TKey>(TKey? key, out TKey next)
        where TKey : unmanaged
    {
        CheckKeySize<TKey>();
        next = default;
        TKey current = key.GetValueOrDefault();
        fixed (TKey* n = &next)
        {
            return Element(BpfSyscall.MapGetNextKey, key.HasValue ? &current : null, n, 0);
        }
    }

    /// <summary>Every key, walked with <see cref="GetNextKey{TKey}"/> (a consistent set only while nothing else changes the map).</summary>
    public List<TKey> Keys<TKey>()
        where TKey : unmanaged
    {
        var keys = new List<TKey>();
        TKey? cursor = null;
        while (GetNextKey(cursor, out TKey next) == Errno.None)
        {
            keys.Add(next);
            cursor = next;
        }

        return keys;
    }

    /// <summary>Closes the map's descriptor; the kernel frees the map when no program holds it either.</summary>
    public void Dispose() => _fd.Dispose();

    // An element command that writes the value back (lookup, lookup-and-delete).
    private Errno ElementOut<TKey, TValue>(int command, in TKey key, out TValue value)
        where TKey : unmanaged
        where TValue : unmanaged
    {
        CheckSizes<TKey, TValue>();
        value = default;
        fixed (TKey* k = &key)
        fixed (TValue* v = &value)
        {
            return Element(command, k, v, 0);
        }
    }

    private Errno Element(int command, void* key, void* value, ulong flags)
    {
        using var fd = new HandleLease(_fd);
        var attr = new BpfSyscall.ElemAttr
        {
            MapFd = (uint)fd.Value,
            Key = (ulong)key,
            ValueOrNextKey = (ulong)value,
            Flags = flags,
        };
        BpfSyscall.Invoke(command, ref attr, out Errno errno);
        return errno;
    }

    private void CheckSizes<TKey, TValue>()
        where TKey : unmanaged
        where TValue : unmanaged
    {
        CheckKeySize<TKey>();
        if (Unsafe.SizeOf<TValue>() != UserValueSize)
        {
            throw new ArgumentException($"{typeof(TValue).Name} is {Unsafe.SizeOf<TValue>()} bytes; this map's values are {UserValueSize} bytes from user space.");
        }
    }

    private void CheckKeySize<TKey>()
        where TKey : unmanaged
    {
        if (Unsafe.SizeOf<TKey>() != KeySize)
        {
            throw new ArgumentException($"{typeof(TKey).Name} is {Unsafe.SizeOf<TKey>()} bytes; this map's keys are {KeySize} bytes.");
        }
    }
}
