using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace PerfKit.Maps.Internal;

/// <summary>
/// Hashing and equality over a key's bytes (the kernel hashes and compares keys as raw memory), keyed by a per-map
/// seed (the kernel's <c>hashrnd</c>). A hash's <em>high</em> bits choose the bucket. The branches on the key size
/// fold away: the JIT specialises this code for each key type.
/// </summary>
internal static class KeyOps<TKey>
    where TKey : unmanaged
{
    private const ulong Prime1 = 0x9E3779B97F4A7C15;
    private const ulong Prime2 = 0xC2B2AE3D27D4EB4F;

    // Inlined: only the branch for TKey's size is imported, and as a call the hash would be one of three calls per
    // lookup (MapLookupBenchmarks shows the difference).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Hash(in TKey key, in HashSeed seed)
    {
        // 4- and 8-byte keys: multiply-add-shift (see HashSeed): the high 32 bits of a·key + b, three instructions.
        // Not a folded 128-bit multiply: it spreads sequential keys (cookies) like a random hash, with chains up to
        // 7 over 65,536 keys where this keeps them at 2, and costs more per lookup. Not a fixed multiplier: keys
        // that collide under one seed would collide under every seed (HashFloodingTests).
        if (Unsafe.SizeOf<TKey>() == sizeof(ulong))
        {
            return (uint)(((Unsafe.As<TKey, ulong>(ref Unsafe.AsRef(in key)) * seed.Multiplier) + seed.Addend) >> 32);
        }

        if (Unsafe.SizeOf<TKey>() == sizeof(uint))
        {
            return (uint)((((ulong)Unsafe.As<TKey, uint>(ref Unsafe.AsRef(in key)) * seed.Multiplier) + seed.Addend) >> 32);
        }

        return HashWide(key, seed.Seed);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] // as Hash: the load balancer's 16- to 32-byte keys
    private static uint HashWide(in TKey key, ulong seed)
    {
        if (Unsafe.SizeOf<TKey>() == 2 * sizeof(ulong))
        {
            ref ulong words = ref Unsafe.As<TKey, ulong>(ref Unsafe.AsRef(in key));
            return Fold(Mix(words ^ seed, Unsafe.Add(ref words, 1) ^ Prime2 ^ (seed >> 1)));
        }

        // The load balancer's 24- and 32-byte keys, unrolled (the general loop below copied the key to the stack);
        // the same values as that loop.
        if (Unsafe.SizeOf<TKey>() == 3 * sizeof(ulong) || Unsafe.SizeOf<TKey>() == 4 * sizeof(ulong))
        {
            ref ulong words = ref Unsafe.As<TKey, ulong>(ref Unsafe.AsRef(in key));
            ulong acc = Mix(words ^ seed ^ (ulong)Unsafe.SizeOf<TKey>(), Unsafe.Add(ref words, 1) ^ Prime2 ^ (seed >> 1));
            return Fold(Unsafe.SizeOf<TKey>() == 4 * sizeof(ulong)
                ? Mix(Unsafe.Add(ref words, 2) ^ acc, Unsafe.Add(ref words, 3) ^ Prime2 ^ (seed >> 1))
                : Mix(Unsafe.Add(ref words, 2) ^ acc, Prime1 ^ (seed >> 1)));
        }

        if (Unsafe.SizeOf<TKey>() % sizeof(ulong) == 0)
        {
            // Whole words: one multiply per pair of words.
            ref ulong words = ref Unsafe.As<TKey, ulong>(ref Unsafe.AsRef(in key));
            int count = Unsafe.SizeOf<TKey>() / sizeof(ulong);
            ulong acc = seed ^ (ulong)Unsafe.SizeOf<TKey>();
            int i = 0;
            for (; i + 1 < count; i += 2)
            {
                acc = Mix(Unsafe.Add(ref words, i) ^ acc, Unsafe.Add(ref words, i + 1) ^ Prime2 ^ (seed >> 1));
            }

            if (i < count)
            {
                acc = Mix(Unsafe.Add(ref words, i) ^ acc, Prime1 ^ (seed >> 1));
            }

            return Fold(acc);
        }

        return HashBytes(key, seed);
    }

    private static uint HashBytes(in TKey key, ulong seed)
    {
        ReadOnlySpan<byte> bytes = MemoryMarshal.AsBytes(new ReadOnlySpan<TKey>(in key));
        ulong acc = seed ^ ((ulong)bytes.Length * Prime1);
        int i = 0;
        for (; i + sizeof(ulong) <= bytes.Length; i += sizeof(ulong))
        {
            acc = Mix(acc ^ MemoryMarshal.Read<ulong>(bytes[i..]), seed ^ Prime2);
        }

        if (i < bytes.Length)
        {
            ulong tail = 0;
            for (int shift = 0; i < bytes.Length; i++, shift += 8)
            {
                tail |= (ulong)bytes[i] << shift;
            }

            acc = Mix(acc ^ tail, seed ^ Prime2);
        }

        return Fold(Mix(acc, Prime1));
    }

    private static uint Fold(ulong h) => (uint)(h ^ (h >> 32));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Equal(in TKey a, in TKey b)
    {
        if (Unsafe.SizeOf<TKey>() == sizeof(ulong))
        {
            return Unsafe.As<TKey, ulong>(ref Unsafe.AsRef(in a)) == Unsafe.As<TKey, ulong>(ref Unsafe.AsRef(in b));
        }

        if (Unsafe.SizeOf<TKey>() == sizeof(uint))
        {
            return Unsafe.As<TKey, uint>(ref Unsafe.AsRef(in a)) == Unsafe.As<TKey, uint>(ref Unsafe.AsRef(in b));
        }

        // Keys of two to four words (lb6_affinity_key, lb6_key, ipv6_revnat_tuple) as one branch-free comparison: the
        // size is a JIT-time constant, so the words a key does not have drop out. The JIT does not unroll the loop below.
        if (Unsafe.SizeOf<TKey>() % sizeof(ulong) == 0 && Unsafe.SizeOf<TKey>() <= 4 * sizeof(ulong))
        {
            ref ulong x = ref Unsafe.As<TKey, ulong>(ref Unsafe.AsRef(in a));
            ref ulong y = ref Unsafe.As<TKey, ulong>(ref Unsafe.AsRef(in b));
            ulong difference = (x ^ y) | (Unsafe.Add(ref x, 1) ^ Unsafe.Add(ref y, 1));
            if (Unsafe.SizeOf<TKey>() >= 3 * sizeof(ulong))
            {
                difference |= Unsafe.Add(ref x, 2) ^ Unsafe.Add(ref y, 2);
            }

            if (Unsafe.SizeOf<TKey>() == 4 * sizeof(ulong))
            {
                difference |= Unsafe.Add(ref x, 3) ^ Unsafe.Add(ref y, 3);
            }

            return difference == 0;
        }

        if (Unsafe.SizeOf<TKey>() % sizeof(ulong) == 0)
        {
            ref ulong x = ref Unsafe.As<TKey, ulong>(ref Unsafe.AsRef(in a));
            ref ulong y = ref Unsafe.As<TKey, ulong>(ref Unsafe.AsRef(in b));
            for (int i = 0; i < Unsafe.SizeOf<TKey>() / sizeof(ulong); i++)
            {
                if (Unsafe.Add(ref x, i) != Unsafe.Add(ref y, i))
                {
                    return false;
                }
            }

            return true;
        }

        return MemoryMarshal.AsBytes(new ReadOnlySpan<TKey>(in a)).SequenceEqual(MemoryMarshal.AsBytes(new ReadOnlySpan<TKey>(in b)));
    }

    // Both halves of the 128-bit product xor-ed, without Math.BigMul's out parameter, which the JIT spills to the
    // stack.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong FoldedMultiply(ulong a, ulong b) =>
        (Bmi2.X64.IsSupported ? Bmi2.X64.MultiplyNoFlags(a, b) : Math.BigMul(a, b, out _)) ^ (a * b);

    // 64×64→128 multiply folded to 64 bits (the "mum" step of wyhash-style mixers).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Mix(ulong a, ulong b) => FoldedMultiply(a, b) ^ BitOperations.RotateLeft(a, 23);
}
