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

    [StructLayout(LayoutKind.Explicit, Size = 8)]
    private struct HoleAndOverlap // two ints at offset 0: bytes 4-7 are padding although the sizes add up to 8
    {
        [FieldOffset(0)] public int A;
        [FieldOffset(0)] public int B;
    }

    private unsafe struct WithPointer
    {
        public void* Address;
        public long Length;
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
        { () => Lru<HoleAndOverlap>(), "overlap" },
        { () => Lru<(int, long)>(), "padding" },
        { () => Lru<System.Runtime.InteropServices.NFloat>(), "0.0 equals -0.0" },
        { () => Lru<DateTime>(), "Kind" },
        { () => Lru<System.Runtime.Intrinsics.Vector128<float>>(), "the elements of" },
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
        Assert.True(Works(TimeSpan.FromSeconds(3)));
        Assert.True(Works((1, 2)));
        Assert.True(Works(System.Runtime.Intrinsics.Vector128.Create(1, 2, 3, 4)));
        Assert.True(Works(new TwoInts { A = 1, B = 2 }));
        Assert.True(Works(Color.Green));
        Assert.True(Works((Int128)5));
        Assert.True(Works('x'));
        var four = default(FourInts);
        four[2] = 7;
        Assert.True(Works(four));
        Assert.True(Works(default(FixedBytes)));
        unsafe
        {
            Assert.True(Works(new WithPointer { Address = (void*)16, Length = 4 }));
        }
    }

    [Fact]
    public void CompareAndWrite_RefusesPaddedValues_WhoseCopiesNeedNotShareTheirBytes()
    {
        var map = new LruHashMap<long, (byte, long)>(new LruHashMapOptions { MaxEntries = 16 });
        map[1] = (1, 2); // storing and reading such values is fine
        Assert.Equal((1, 2L), map[1]);
        Assert.Contains("padding", Assert.Throws<NotSupportedException>(() => map.TryUpdate(1, (3, 4), (1, 2))).Message, StringComparison.Ordinal);
        Assert.Throws<NotSupportedException>(() => map.AddOrUpdate(2, (1, 1), (_, v) => v));
        var hash = new HashMap<long, (byte, long)>(new HashMapOptions { MaxEntries = 16 });
        Assert.Throws<NotSupportedException>(() => hash.TryUpdate(1, (3, 4), (1, 2)));
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
