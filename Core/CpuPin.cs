namespace PerfKit;

/// <summary>
/// A scope during which <see cref="Cpu.Current"/> on the pinning thread returns a fixed CPU index, the managed
/// analogue of the kernel selftests' <c>sched_setaffinity</c>. Obtain one from <see cref="Cpu.Pin"/>.
/// </summary>
/// <remarks>
/// Pins nest: disposing a pin restores the pin (or absence of one) that was in force when it was taken. Dispose
/// each pin exactly once, on the thread that took it, innermost first; a <c>using</c> statement does all three.
/// </remarks>
public readonly struct CpuPin : IDisposable
{
    private readonly int _depth;
    private readonly int _previousPinnedPlusOne;
    private readonly int _threadId;

    internal CpuPin(int cpu, int depth, int previousPinnedPlusOne)
    {
        CpuIndex = cpu;
        _depth = depth;
        _previousPinnedPlusOne = previousPinnedPlusOne;
        _threadId = Environment.CurrentManagedThreadId;
    }

    /// <summary>The CPU index this scope pins the thread to.</summary>
    public int CpuIndex { get; }

    /// <summary>Ends the pin and restores the previous one.</summary>
    /// <exception cref="InvalidOperationException">
    /// Disposed on another thread, disposed twice, or disposed while a pin taken after it is still in force.
    /// </exception>
    public void Dispose()
    {
        if (_depth == 0)
        {
            return; // default(CpuPin): nothing was pinned.
        }

        if (_threadId != Environment.CurrentManagedThreadId)
        {
            throw new InvalidOperationException(
                $"A CpuPin must be disposed on the thread that created it (managed thread {_threadId}), not on thread {Environment.CurrentManagedThreadId}.");
        }

        Cpu.Unpin(_depth, _previousPinnedPlusOne);
    }
}
