using System.Numerics;

namespace PerfKit.Maps.Internal;

/// <summary>
/// A map's hash key (the kernel's <c>hashrnd</c>), expanded once from a 64-bit seed: the seed itself (wide keys)
/// and the odd multiplier and addend of the multiply-add-shift hash of 4- and 8-byte keys.
/// </summary>
/// <remarks>
/// Multiply-add-shift with a random odd multiplier is a universal family (any two keys share a bucket with
/// probability about 2 / buckets over the choice of multiplier, so keys that collide in one map do not collide in
/// another), and for sequential keys (cookies, ids) it is a Weyl sequence that spreads them almost perfectly. A
/// few multipliers lie close to a fraction with a small denominator and bunch sequential keys instead (chains of
/// 5–7 measured, doubling lookup cost), so the constructor draws until sequential keys sit at most two to a bucket
/// (or keeps the best of 64 draws).
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
    // gives 2: sequential keys then sit at most two to a bucket, at this scale and every larger one.
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
