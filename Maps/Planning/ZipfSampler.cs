namespace PerfKit.Maps.Planning;

/// <summary>
/// Draws keys 0..n−1 with Zipf probabilities P(k) ∝ 1/(k+1)^s by inverting the cumulative distribution
/// (binary search over a precomputed table). Deterministic for a given seed.
/// </summary>
public sealed class ZipfSampler
{
    private readonly double[] _cdf;
    private readonly Random _random;

    /// <summary>Creates a sampler over <paramref name="n"/> keys with exponent <paramref name="s"/>.</summary>
    public ZipfSampler(int n, double s, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        _cdf = new double[n];
        double sum = 0;
        for (int k = 0; k < n; k++)
        {
            sum += 1.0 / Math.Pow(k + 1, s);
            _cdf[k] = sum;
        }

        for (int k = 0; k < n; k++)
        {
            _cdf[k] /= sum;
        }

        _random = new Random(seed);
    }

    /// <summary>The next key.</summary>
    public int Next()
    {
        int index = Array.BinarySearch(_cdf, _random.NextDouble());
        return Math.Min(index >= 0 ? index : ~index, _cdf.Length - 1);
    }

    /// <summary>Fills an array with <paramref name="count"/> keys.</summary>
    public ulong[] Sample(int count)
    {
        var keys = new ulong[count];
        for (int i = 0; i < count; i++)
        {
            keys[i] = (ulong)Next();
        }

        return keys;
    }
}
