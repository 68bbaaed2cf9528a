using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using PerfKit.Maps.Internal;

namespace PerfKit.PropertyTests.Maps;

/// <summary>
/// The maps' key comparison and hash against the keys' bytes, for every width it has a path for (4, 8, 16, 24, 32
/// bytes, other multiples of 8, and the rest): equal exactly when the bytes are equal, and equal keys hash alike.
/// </summary>
public sealed class KeyOpsProperties
{
    private readonly record struct Key12(uint A, uint B, uint C);

    private readonly record struct Key24(ulong A, ulong B, ulong C);

    private readonly record struct Key32(ulong A, ulong B, ulong C, ulong D);

    private readonly record struct Key40(ulong A, ulong B, ulong C, ulong D, ulong E);

    [Property(MaxTest = 500)]
    public Property Equal_IsByteEquality_AndEqualKeysHashAlike(ulong a, ulong b, ulong c, ulong d, ulong e, byte word, ulong flip, ulong seed)
    {
        // flip == 0 leaves the keys equal; otherwise one word (chosen by word) differs by the flipped bits.
        ulong[] first = [a, b, c, d, e];
        ulong[] second = [a, b, c, d, e];
        second[word % 5] ^= flip;
        var hashSeed = new HashSeed(seed, 10);

        Check(first[0], second[0]);
        Check(new Key12((uint)first[0], (uint)first[1], (uint)first[2]), new Key12((uint)second[0], (uint)second[1], (uint)second[2]));
        Check((uint)first[0], (uint)second[0]);
        Check(new Key24(first[0], first[1], first[2]), new Key24(second[0], second[1], second[2]));
        Check(new Key32(first[0], first[1], first[2], first[3]), new Key32(second[0], second[1], second[2], second[3]));
        Check(new Key40(first[0], first[1], first[2], first[3], first[4]), new Key40(second[0], second[1], second[2], second[3], second[4]));
        Check((first[0], first[1]), (second[0], second[1]));
        return true.ToProperty();

        void Check<TKey>(TKey x, TKey y)
            where TKey : unmanaged
        {
            bool bytesEqual = System.Runtime.InteropServices.MemoryMarshal.AsBytes(new ReadOnlySpan<TKey>(in x))
                .SequenceEqual(System.Runtime.InteropServices.MemoryMarshal.AsBytes(new ReadOnlySpan<TKey>(in y)));
            Assert.Equal(bytesEqual, KeyOps<TKey>.Equal(x, y));
            Assert.Equal(bytesEqual, KeyOps<TKey>.Equal(y, x));
            if (bytesEqual)
            {
                Assert.Equal(KeyOps<TKey>.Hash(x, hashSeed), KeyOps<TKey>.Hash(y, hashSeed));
            }
        }
    }
}
