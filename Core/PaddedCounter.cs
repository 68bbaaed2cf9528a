using System.Runtime.InteropServices;

namespace PerfKit;

/// <summary>
/// A 64-bit counter alone on its cache line (padding on both sides), for counters that many threads update
/// with <see cref="Interlocked"/> operations.
/// </summary>
/// <remarks>Keep it in a field and pass <see cref="Value"/> by reference; a copy is a different counter.</remarks>
[StructLayout(LayoutKind.Explicit, Size = 2 * CacheLine.Size)]
public struct PaddedCounter
{
    /// <summary>The counter. Update it with <see cref="Interlocked"/>; read it with <see cref="Volatile"/>.</summary>
    [FieldOffset(CacheLine.Size)]
    public long Value;
}
