using System.Runtime.CompilerServices;

namespace PerfKit.Maps.Internal;

/// <summary>
/// The kernel's list.h over node indexes: circular doubly-linked lists whose heads are sentinel nodes, with the links
/// kept in their own array (indexed like the nodes), so that list moves never write the cache lines lookups read.
/// Callers hold the lock of the list they change. Extension methods over the links array, not a struct wrapping it:
/// the JIT reloads a struct field's array at every call, where it keeps a plain array field in a register.
/// </summary>
internal static class IndexList
{
    /// <summary>INIT_LIST_HEAD: an empty list headed by <paramref name="head"/>.</summary>
    public static void Init(this ListLinks[] links, int head)
    {
        links[head].Prev = head;
        links[head].Next = head;
    }

    /// <summary>list_empty.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsEmpty(this ListLinks[] links, int head) => links[head].Next == head;

    /// <summary>The first node after <paramref name="head"/> (the most recently added).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int First(this ListLinks[] links, int head) => links[head].Next;

    /// <summary>The last node before <paramref name="head"/> (the oldest).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Last(this ListLinks[] links, int head) => links[head].Prev;

    /// <summary>The node before <paramref name="n"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Prev(this ListLinks[] links, int n) => links[n].Prev;

    /// <summary>The node after <paramref name="n"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Next(this ListLinks[] links, int n) => links[n].Next;

    /// <summary>The node after <paramref name="n"/>, read without the list's lock (a diagnostic's peek: never torn, never cached in a register).</summary>
    public static int NextVolatile(this ListLinks[] links, int n) => Volatile.Read(ref links[n].Next);

    /// <summary>list_add: <paramref name="n"/> right after <paramref name="head"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Add(this ListLinks[] links, int n, int head)
    {
        int next = links[head].Next;
        links[n].Prev = head;
        links[n].Next = next;
        links[next].Prev = n;
        links[head].Next = n;
    }

    /// <summary>list_del: <paramref name="n"/> out of its list (its own links are left as they were).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Delete(this ListLinks[] links, int n)
    {
        int prev = links[n].Prev;
        int next = links[n].Next;
        links[prev].Next = next;
        links[next].Prev = prev;
    }

    /// <summary>list_move: <paramref name="n"/> out of its list and right after <paramref name="head"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Move(this ListLinks[] links, int n, int head)
    {
        links.Delete(n);
        links.Add(n, head);
    }
}
