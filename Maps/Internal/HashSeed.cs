using System.Numerics;

namespace PerfKit.Maps.Internal;

/// <summary>
/// A map's hash key (the kernel's <c>hashrnd</c>), expanded once from a 64-bit seed: the seed itself (wide keys)
/// and the odd multiplier and addend of the multiply-add-shift hash of 4- and 8-byte keys.
/// </summary>
/// <remarks>
/// Multiply-add-shift with a random odd multiplier is a universal family: two given keys share a bucket with
/// probability at most 2 / buckets over the multiplier (about 3 / buckets over the multipliers kept below), so keys
/// that collide in one map do not collide in another. For sequential keys (cookies, ids) it is a Weyl sequence
/// that usually spreads them almost perfectly, but about 30 % of multipliers (measured) put more than two in some
/// bucket, a few into chains of 5–7 that doubled lookup cost. So the constructor draws until keys
/// 0 … 2^k − 1 sit at most two to a bucket (k = log2 of the bucket count, at most 16; in expectation 1.4 draws),
/// and keeps the best of 64 draws otherwise.
/// </remarks>
internal readonly struct HashSeed
{
    private const int MaxDraws = 64;

    public HashSeed(ulong seed, int bucketBits)
    {
        Seed = seed;
        Addend = SplitMix(seed ^ 0xD1B54A32D192ED03);
        int bits = Math.Clamp(bucketBits, 1, 16);
        ulong state = seed;
        int bestLoad = int.MaxValue;
        for (int draw = 0; draw < MaxDraws && bestLoad > 2; draw++)
        {
            state += 0x9E3779B97F4A7C15;
            ulong candidate = SplitMix(state) | 1; // the multiplier must be odd
            int load = MaxLoadOfSequentialKeys(candidate, Addend, bits);
            if (load < bestLoad)
            {
                bestLoad = load;
                Multiplier = candidate;
            }
        }
    }

    public ulong Seed { get; }

    public ulong Multiplier { get; }

    public ulong Addend { get; }

    // The most of keys 0 … 2^bits − 1 that land in one of 2^bits buckets (by the top bits). A good multiplier
    // gives 2, and then at most 2 in any larger power-of-two number of buckets too (each bucket only splits).
    private static int MaxLoadOfSequentialKeys(ulong multiplier, ulong addend, int bits)
    {
        Span<byte> load = stackalloc byte[1 << bits];
        int max = 0;
        for (ulong key = 0; key < (1UL << bits); key++)
        {
            max = Math.Max(max, ++load[(int)(((key * multiplier) + addend) >> (64 - bits))]);
        }

        return max;
    }

    private static ulong SplitMix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ BitOperations.RotateRight(z, 31);
    }
}
