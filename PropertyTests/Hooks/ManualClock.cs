namespace PerfKit.PropertyTests.Hooks;

/// <summary>A clock that moves only when told, in whole seconds (one tick per second).</summary>
internal sealed class ManualClock : TimeProvider
{
    private long _seconds = 1_000;

    public override long TimestampFrequency => 1;

    public override long GetTimestamp() => Interlocked.Read(ref _seconds);

    public void Advance(int seconds) => Interlocked.Add(ref _seconds, seconds);
}
