using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace PerfKit.Maps.Internal;

/// <summary>
/// Hashing and equality over a key's bytes (the kernel hashes and compares keys as raw memory). The seed is per
/// map (the kernel's <c>hashrnd</c>). The branches on the key size fold away: the JIT specialises this code for
/// each struct key type.
/// </summary>
internal static class KeyOps<TKey>
    where TKey : unmanaged
{
    private const ulong Prime1 = 0x9E3779B97F4A7C15;
    private const ulong Prime2 = 0xC2B2AE3D27D4EB4F;

    public static uint Hash(in TKey key, ulong seed)
    {
        // Common key sizes: one 64×64→128 multiply of the seeded words (the JIT keeps only the matching branch).
        if (Unsafe.SizeOf<TKey>() == sizeof(ulong))
        {
            return Fold(Mix(Unsafe.As<TKey, ulong>(ref Unsafe.AsRef(in key)) ^ seed, Prime1 ^ (seed >> 1)));
        }

        if (Unsafe.SizeOf<TKey>() == sizeof(uint))
        {
            return Fold(Mix(Unsafe.As<TKey, uint>(ref Unsafe.AsRef(in key)) ^ seed, Prime1 ^ (seed >> 1)));
        }

        if (Unsafe.SizeOf<TKey>() == 2 * sizeof(ulong))
        {
            ref ulong words = ref Unsafe.As<TKey, ulong>(ref Unsafe.AsRef(in key));
            return Fold(Mix(words ^ seed, Unsafe.Add(ref words, 1) ^ Prime2 ^ (seed >> 1)));
        }

        if (Unsafe.SizeOf<TKey>() % sizeof(ulong) == 0)
        {
            // Whole words (24- and 32-byte load-balancer keys, say): one multiply per pair of words.
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

        if (Unsafe.SizeOf<TKey>() == 2 * sizeof(ulong))
        {
            ref ulong x = ref Unsafe.As<TKey, ulong>(ref Unsafe.AsRef(in a));
            ref ulong y = ref Unsafe.As<TKey, ulong>(ref Unsafe.AsRef(in b));
            return x == y && Unsafe.Add(ref x, 1) == Unsafe.Add(ref y, 1);
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

    // 64×64→128 multiply folded to 64 bits (the "mum" step of wyhash-style mixers).
    private static ulong Mix(ulong a, ulong b)
    {
        ulong high = Math.BigMul(a, b, out ulong low);
        return high ^ low ^ BitOperations.RotateLeft(a, 23);
    }
}
