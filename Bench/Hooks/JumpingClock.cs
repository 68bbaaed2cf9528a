namespace PerfKit.Bench.Hooks;

/// <summary>A clock that jumps 10^6 seconds on every read (per thread), so every affinity entry has expired when read: the affinity-miss path.</summary>
public sealed class JumpingClock : TimeProvider
{
    [ThreadStatic]
    private static long t_seconds;

    /// <inheritdoc />
    public override long TimestampFrequency => 1;

    /// <inheritdoc />
    public override long GetTimestamp() => t_seconds += 1_000_000;
}
