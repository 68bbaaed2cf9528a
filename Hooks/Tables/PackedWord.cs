namespace PerfKit.Hooks.Tables;

/// <summary>Field access in a 64-bit word that holds several small fields of a table layout.</summary>
internal static class PackedWord
{
    /// <summary><paramref name="word"/> with the field of <paramref name="mask"/> bits at <paramref name="shift"/> set to <paramref name="value"/>.</summary>
    public static ulong Put(ulong word, int shift, ulong mask, ulong value) => (word & ~(mask << shift)) | ((value & mask) << shift);
}
