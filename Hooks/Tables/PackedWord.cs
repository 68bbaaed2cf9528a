namespace PerfKit.Hooks.Tables;

/// <summary>Field access in a 64-bit word that holds several small fields of a table layout; a field's width is its type's.</summary>
internal static class PackedWord
{
    /// <summary><paramref name="word"/> with the 8-bit field at <paramref name="shift"/> set to <paramref name="value"/>.</summary>
    public static ulong Put(ulong word, int shift, byte value) => Put(word, shift, byte.MaxValue, value);

    /// <summary><paramref name="word"/> with the 16-bit field at <paramref name="shift"/> set to <paramref name="value"/>.</summary>
    public static ulong Put(ulong word, int shift, ushort value) => Put(word, shift, ushort.MaxValue, value);

    /// <summary><paramref name="word"/> with the 32-bit field at <paramref name="shift"/> set to <paramref name="value"/>.</summary>
    public static ulong Put(ulong word, int shift, uint value) => Put(word, shift, uint.MaxValue, value);

    private static ulong Put(ulong word, int shift, ulong mask, ulong value) => (word & ~(mask << shift)) | (value << shift);
}
