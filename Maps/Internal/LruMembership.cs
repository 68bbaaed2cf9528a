namespace PerfKit.Maps.Internal;

/// <summary>Which LRU list each element node was found on by an audit (<see cref="LruListType"/>), or none.</summary>
internal sealed class LruMembership(int capacity)
{
    private const byte None = byte.MaxValue; // not a list type: Sentinel heads lists and is never an element's
    private readonly byte[] _listOf = Fill(capacity);

    /// <summary>Whether node <paramref name="n"/> was on any list.</summary>
    public bool Seen(int n) => _listOf[n] != None;

    /// <summary>The list node <paramref name="n"/> was on (meaningful only when <see cref="Seen"/>).</summary>
    public byte ListOf(int n) => _listOf[n];

    /// <summary>Whether node <paramref name="n"/> was on a free list (global, per-CPU or local).</summary>
    public bool OnFreeList(int n) => _listOf[n] is LruListType.Free or LruListType.LocalFree;

    /// <summary>Records node <paramref name="n"/> on <paramref name="type"/>; false if it had been seen on a list already.</summary>
    public bool Record(int n, byte type)
    {
        bool first = _listOf[n] == None;
        _listOf[n] = type;
        return first;
    }

    private static byte[] Fill(int capacity)
    {
        var listOf = new byte[capacity];
        Array.Fill(listOf, None);
        return listOf;
    }
}
