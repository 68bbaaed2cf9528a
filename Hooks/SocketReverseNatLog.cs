using System.Runtime.CompilerServices;

namespace PerfKit.Hooks;

/// <summary>
/// The last few backends a socket wrote reverse-NAT entries for, so that its release can delete them (Cilium's
/// cgroup/sock_release). Inline in the socket: no allocation. A socket that talked to more distinct backends than
/// this holds leaves the older entries to the LRU, as Cilium did before it had a release hook.
/// </summary>
internal struct SocketReverseNatLog
{
    public const int Capacity = 4;

    private Entries _entries;
    private int _count;
    private int _next;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Record(IpAddr address, ushort port)
    {
        for (int i = 0; i < _count; i++)
        {
            if (_entries[i].Address == address && _entries[i].Port == port)
            {
                return;
            }
        }

        _entries[_next] = new Backend(address, port);
        _next = (_next + 1) % Capacity;
        _count = Math.Min(_count + 1, Capacity);
    }

    public readonly int Count => _count;

    public readonly (IpAddr Address, ushort Port) this[int index] => (_entries[index].Address, _entries[index].Port);

    public void Clear() => this = default;

    private readonly record struct Backend(IpAddr Address, ushort Port);

    [InlineArray(Capacity)]
    private struct Entries
    {
        private Backend _element;
    }
}
