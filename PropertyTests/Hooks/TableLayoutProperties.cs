using System.Buffers.Binary;
using System.Runtime.InteropServices;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using PerfKit.Hooks;
using PerfKit.Hooks.Tables;

namespace PerfKit.PropertyTests.Hooks;

/// <summary>
/// The table layouts keep Cilium's byte layout although their small fields share one 64-bit word: every field sits
/// at its C offset, little-endian, whatever the values, and setting one field leaves the others alone.
/// </summary>
public sealed class TableLayoutProperties
{
    [Property(MaxTest = 200)]
    public Property ServiceKey_HasLb6KeysBytes(ulong high, ulong low, ushort port, ushort slot, byte protocol, byte scope, ushort newSlot) =>
        Check(() =>
        {
            IpAddr address = IpAddr.FromBytes(Bytes(high, low));
            Assert.Equal(address, IpAddr.FromV6(high, low));
            var key = new ServiceKey(address, port, slot, protocol, scope);
            byte[] bytes = BytesOf(key);
            Assert.Equal(BytesOf(address), bytes[..16]);
            Assert.Equal(port, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(16)));
            Assert.Equal(slot, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(18)));
            Assert.Equal(protocol, bytes[20]);
            Assert.Equal(scope, bytes[21]);
            Assert.Equal(0, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(22)));

            key.Slot = newSlot;
            Assert.Equal((address, port, newSlot, protocol, scope), (key.Address, key.Port, key.Slot, key.Protocol, key.Scope));
            key.Scope = ServiceKey.ScopeInternal;
            Assert.Equal((port, newSlot, protocol, ServiceKey.ScopeInternal), (key.Port, key.Slot, key.Protocol, key.Scope));
        });

    [Property(MaxTest = 200)]
    public Property ReverseNatKeyAndEntry_HaveTheRevnatTuplesBytes(ulong cookie, ulong high, ulong low, ushort port, ushort revNatId) =>
        Check(() =>
        {
            IpAddr address = IpAddr.FromBytes(Bytes(high, low));
            byte[] key = BytesOf(new ReverseNatKey(cookie, address, port));
            Assert.Equal(cookie, BinaryPrimitives.ReadUInt64LittleEndian(key));
            Assert.Equal(BytesOf(address), key[8..24]);
            Assert.Equal(port, BinaryPrimitives.ReadUInt16LittleEndian(key.AsSpan(24)));
            Assert.All(key[26..], b => Assert.Equal(0, b));

            var entry = new ReverseNatEntry(address, port, revNatId);
            byte[] bytes = BytesOf(entry);
            Assert.Equal(BytesOf(address), bytes[..16]);
            Assert.Equal(port, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(16)));
            Assert.Equal(revNatId, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(18)));
            Assert.All(bytes[20..], b => Assert.Equal(0, b));
            Assert.Equal((address, port, revNatId), (entry.Address, entry.Port, entry.RevNatId));
        });

    [Property(MaxTest = 200)]
    public Property AffinityLayouts_HaveTheirCOffsets(ulong netns, ushort revNatId, long lastUsed, uint backendId) =>
        Check(() =>
        {
            var key = new AffinityKey(netns, revNatId);
            byte[] keyBytes = BytesOf(key);
            Assert.Equal(netns, BinaryPrimitives.ReadUInt64LittleEndian(keyBytes));
            Assert.Equal(revNatId, BinaryPrimitives.ReadUInt16LittleEndian(keyBytes.AsSpan(8)));
            Assert.Equal(1, keyBytes[10]); // the netns_cookie bit
            Assert.All(keyBytes[11..], b => Assert.Equal(0, b));
            Assert.Equal((netns, revNatId, (byte)1), (key.NetnsCookie, key.RevNatId, key.NetnsCookieBit));

            var entry = new AffinityEntry(lastUsed, backendId) with { LastUsed = lastUsed + 1 };
            byte[] entryBytes = BytesOf(entry);
            Assert.Equal(lastUsed + 1, BinaryPrimitives.ReadInt64LittleEndian(entryBytes));
            Assert.Equal(backendId, BinaryPrimitives.ReadUInt32LittleEndian(entryBytes.AsSpan(8)));
            Assert.Equal(0u, BinaryPrimitives.ReadUInt32LittleEndian(entryBytes.AsSpan(12)));
            Assert.Equal(backendId, entry.BackendId);

            var match = new AffinityMatchKey(backendId, revNatId);
            byte[] matchBytes = BytesOf(match);
            Assert.Equal(backendId, BinaryPrimitives.ReadUInt32LittleEndian(matchBytes));
            Assert.Equal(revNatId, BinaryPrimitives.ReadUInt16LittleEndian(matchBytes.AsSpan(4)));
            Assert.Equal(0, BinaryPrimitives.ReadUInt16LittleEndian(matchBytes.AsSpan(6)));
            Assert.Equal((backendId, revNatId), (match.BackendId, match.RevNatId));
        });

    [Property(MaxTest = 200)]
    public Property PackedSetters_LeaveTheOtherFieldsAlone(ulong cookie, ushort port, ushort revNatId, uint backendId, ushort newPort, ushort newRevNatId, uint newBackendId) =>
        Check(() =>
        {
            var reverseKey = new ReverseNatKey(cookie, IpAddr.AnyV6, port) { Port = newPort };
            Assert.Equal((cookie, newPort, (ushort)0, 0u), (reverseKey.SocketCookie, reverseKey.Port, reverseKey.Padding1, reverseKey.Padding2));

            var reverseEntry = new ReverseNatEntry(IpAddr.AnyV4, port, revNatId) { RevNatId = newRevNatId };
            Assert.Equal((port, newRevNatId, 0u), (reverseEntry.Port, reverseEntry.RevNatId, reverseEntry.Padding));
            reverseEntry.Port = newPort;
            Assert.Equal((newPort, newRevNatId), (reverseEntry.Port, reverseEntry.RevNatId));

            var affinityKey = new AffinityKey(cookie, revNatId) { RevNatId = newRevNatId };
            Assert.Equal((cookie, newRevNatId, (byte)1, (byte)0, 0u), (affinityKey.NetnsCookie, affinityKey.RevNatId, affinityKey.NetnsCookieBit, affinityKey.Padding1, affinityKey.Padding2));

            var affinityEntry = new AffinityEntry(7, backendId) { BackendId = newBackendId };
            Assert.Equal((7L, newBackendId, 0u), (affinityEntry.LastUsed, affinityEntry.BackendId, affinityEntry.Padding));

            var match = new AffinityMatchKey(backendId, revNatId) { BackendId = newBackendId };
            Assert.Equal((newBackendId, revNatId, (ushort)0), (match.BackendId, match.RevNatId, match.Padding));
            match.RevNatId = newRevNatId;
            Assert.Equal((newBackendId, newRevNatId), (match.BackendId, match.RevNatId));

            var serviceKey = new ServiceKey(IpAddr.AnyV4, port, 1, 6, 0) { Port = newPort, Protocol = 17 };
            Assert.Equal((newPort, (ushort)1, (byte)17, (byte)0, (ushort)0), (serviceKey.Port, serviceKey.Slot, serviceKey.Protocol, serviceKey.Scope, serviceKey.Padding));
        });

    [Fact]
    public void HookResult_KeepsVerdictAndReason_ForEveryPair()
    {
        foreach (HookVerdict verdict in Enum.GetValues<HookVerdict>())
        {
            foreach (HookReason reason in Enum.GetValues<HookReason>())
            {
                var result = new HookResult(verdict, reason);
                Assert.Equal((verdict, reason), (result.Verdict, result.Reason));
                Assert.Equal(result, new HookResult(verdict, reason));
            }
        }

        Assert.NotEqual(new HookResult(HookVerdict.Proceed, HookReason.NoBackend), new HookResult(HookVerdict.Reject, HookReason.NoBackend));
        Assert.Equal(-113, new HookResult(HookVerdict.Reject, HookReason.NoBackend).Errno);
    }

    private static Property Check(Action assertions)
    {
        assertions();
        return true.ToProperty();
    }

    private static byte[] Bytes(ulong high, ulong low)
    {
        var bytes = new byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, high);
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(8), low);
        return bytes;
    }

    private static byte[] BytesOf<T>(T value)
        where T : unmanaged => MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in value)).ToArray();
}
