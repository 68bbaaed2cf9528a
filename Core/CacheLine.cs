using System.Runtime.CompilerServices;

namespace PerfKit;

/// <summary>Cache-line geometry used for padding hot, independently written data.</summary>
/// <remarks>
/// 128 bytes rather than 64: Intel's adjacent-line prefetcher pulls lines in pairs, so two counters 64 bytes
/// apart can still ping-pong between cores. dotnet/runtime pads its concurrent queues to 128 for the same reason.
/// </remarks>
public static class CacheLine
{
    /// <summary>The padding granularity, in bytes.</summary>
    public const int Size = 128;
}

/// <summary>
/// One <see cref="CacheLine.Size"/>-byte block of padding: a field of this type keeps the fields around it on
/// different cache lines from each other.
/// </summary>
[InlineArray(CacheLine.Size / sizeof(long))]
public struct CacheLinePadding
{
    private long _element;
}
