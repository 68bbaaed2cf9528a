using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using PerfKit.Maps;

namespace PerfKit.PropertyTests.Maps;

/// <summary>
/// Keys are compared by their bytes, so both maps refuse key types whose equality is not their bytes, at construction,
/// with a message naming the reason; types whose bytes are their value work; and a padded value compares by bytes.
/// </summary>
public sealed class KeyTypeTests
{
#pragma warning disable CS0649 // the key shapes below matter for their layout, never for their values
    private struct Padded
    {
        public byte Small;
        public long Large; // seven padding bytes after Small
    }

    private struct WithDouble
    {
        public int Id;
        public double Weight;
    }

#pragma warning restore CS0649

    private struct TwoInts
    {
        public int A;
        public int B;
    }

    private unsafe struct FixedBytes
    {
        public fixed byte Address[16];
    }

    [InlineArray(4)]
    private struct FourInts
    {
        private int _element;
    }

    [StructLayout(LayoutKind.Explicit)]
    private struct Overlapping
    {
        [FieldOffset(0)] public long Whole;
        [FieldOffset(0)] public int Low;
    }

    private enum Color : byte { Red, Green }

    public static TheoryData<Func<object>, string> Refused => new()
    {
        { () => Lru<double>(), "0.0 equals -0.0" },
        { () => Lru<float>(), "0.0 equals -0.0" },
        { () => Lru<Half>(), "0.0 equals -0.0" },
        { () => Lru<decimal>(), "1.0m equals 1.00m" },
        { () => Lru<Padded>(), "7 padding byte(s)" },
        { () => Lru<WithDouble>(), "field WithDouble.Weight" },
        { () => Lru<DateTimeOffset>(), "padding" },
        { () => Lru<Overlapping>(), "overlap" },
        { () => Hash<double>(), "0.0 equals -0.0" },
        { () => Hash<Padded>(), "padding" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void KeyTypesWhoseEqualityIsNotTheirBytes_AreRefused(Func<object> create, string reason)
    {
        NotSupportedException e = Assert.Throws<NotSupportedException>(create);
        Assert.Contains("compared by their bytes", e.Message, StringComparison.Ordinal);
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void KeyTypesWhoseBytesAreTheirValue_Work()
    {
        Assert.True(Works(Guid.NewGuid()));
        Assert.True(Works(DateTime.UnixEpoch));
        Assert.True(Works(new TwoInts { A = 1, B = 2 }));
        Assert.True(Works(Color.Green));
        Assert.True(Works((Int128)5));
        Assert.True(Works('x'));
        var four = default(FourInts);
        four[2] = 7;
        Assert.True(Works(four));
        Assert.True(Works(default(FixedBytes)));
    }

    [Fact]
    public void ValuesAreComparedByBytes_WhereAMemberComparesThem()
    {
        var map = new LruHashMap<long, double>(new LruHashMapOptions { MaxEntries = 16 });
        map.Update(1, 0.0);
        Assert.False(map.TryUpdate(1, 5.0, -0.0)); // -0.0 == 0.0 as numbers, not as bytes
        Assert.True(map.TryUpdate(1, 5.0, 0.0));
        Assert.Equal(5.0, map[1]);
    }

    private static bool Works<T>(T key)
        where T : unmanaged
    {
        var map = new LruHashMap<T, int>(new LruHashMapOptions { MaxEntries = 16 });
        return map.TryAdd(key, 1) && map.TryGetValue(key, out int value) && value == 1 && !map.TryAdd(key, 2);
    }

    private static LruHashMap<T, int> Lru<T>()
        where T : unmanaged => new(new LruHashMapOptions { MaxEntries = 16 });

    private static HashMap<T, int> Hash<T>()
        where T : unmanaged => new(new HashMapOptions { MaxEntries = 16 });
}
