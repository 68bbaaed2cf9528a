using System.Buffers.Binary;
using System.Globalization;
using System.Net;

namespace PerfKit.Hooks;

/// <summary>
/// An IP address in 16 bytes, IPv4 held v4-mapped (<c>::ffff:a.b.c.d</c>) as the kernel's IPv6 stack holds it,
/// so one key layout (Cilium's lb6_key) serves both families and a v4-mapped IPv6 destination is handled as IPv4.
/// </summary>
public readonly record struct IpAddr
{
    private const ulong V4MappedPrefix = 0x0000_FFFF_0000_0000;

    private IpAddr(ulong high, ulong low)
    {
        High = high;
        Low = low;
    }

    /// <summary>The first 8 bytes, big-endian.</summary>
    public ulong High { get; }

    /// <summary>The last 8 bytes, big-endian.</summary>
    public ulong Low { get; }

    /// <summary>0.0.0.0 (v4-mapped): the NodePort/HostPort surrogate frontend of IPv4 services.</summary>
    public static IpAddr AnyV4 { get; } = FromV4(0);

    /// <summary>:: : the NodePort/HostPort surrogate frontend of IPv6 services.</summary>
    public static IpAddr AnyV6 => default;

    /// <summary>Whether this is an IPv4 address (held v4-mapped).</summary>
    public bool IsV4 => High == 0 && (Low & 0xFFFF_FFFF_0000_0000) == V4MappedPrefix;

    /// <summary>The IPv4 address as a host-order integer (a.b.c.d = a·2^24 + …); meaningful only when <see cref="IsV4"/>.</summary>
    public uint V4 => (uint)Low;

    /// <summary>127.0.0.0/8 or ::1.</summary>
    public bool IsLoopback => IsV4 ? V4 >> 24 == 127 : High == 0 && Low == 1;

    /// <summary>0.0.0.0 or ::.</summary>
    public bool IsAny => this == AnyV4 || this == AnyV6;

    /// <summary>The unspecified address of this address's family.</summary>
    public IpAddr AnyOfFamily => IsV4 ? AnyV4 : AnyV6;

    /// <summary>An IPv4 address from its host-order integer.</summary>
    public static IpAddr FromV4(uint address) => new(0, V4MappedPrefix | address);

    /// <summary>An IPv6 address from its first and last 8 bytes, each as a big-endian integer (fd00::1 is <c>FromV6(0xFD00UL &lt;&lt; 48, 1)</c>).</summary>
    public static IpAddr FromV6(ulong high, ulong low) => new(high, low);

    /// <summary>An address from 4 (IPv4) or 16 (IPv6) network-order bytes.</summary>
    /// <exception cref="ArgumentException">Neither 4 nor 16 bytes.</exception>
    public static IpAddr FromBytes(ReadOnlySpan<byte> bytes) => bytes.Length switch
    {
        4 => FromV4(BinaryPrimitives.ReadUInt32BigEndian(bytes)),
        16 => new(BinaryPrimitives.ReadUInt64BigEndian(bytes), BinaryPrimitives.ReadUInt64BigEndian(bytes[8..])),
        _ => throw new ArgumentException($"An IP address has 4 or 16 bytes, not {bytes.Length}.", nameof(bytes)),
    };

    /// <summary>Parses dotted IPv4 or IPv6 text.</summary>
    /// <exception cref="FormatException">Not an IP address.</exception>
    public static IpAddr Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!IPAddress.TryParse(text, out IPAddress? address))
        {
            throw new FormatException($"'{text}' is not an IPv4 or IPv6 address.");
        }

        return FromBytes(address.GetAddressBytes());
    }

    /// <inheritdoc />
    public override string ToString()
    {
        if (IsV4)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{V4 >> 24}.{(V4 >> 16) & 255}.{(V4 >> 8) & 255}.{V4 & 255}");
        }

        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, High);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[8..], Low);
        return new IPAddress(bytes).ToString();
    }
}
