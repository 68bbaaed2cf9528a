using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace PerfKit;

/// <summary>
/// A spin lock for critical sections of a few dozen instructions, like the kernel's raw_spinlock_t: one
/// compare-exchange to enter, one release store to leave (less uncontended work than <see cref="Lock"/>, which
/// tracks its owner and can sleep). Contended, it spins, then yields its time slice so that a
/// preempted holder can run; it never sleeps. Not reentrant; no owner tracking.
/// </summary>
/// <remarks>A mutable struct: keep it in a non-readonly field and use it in place. Use <see cref="EnterScope"/> with <c>using</c>.</remarks>
public struct RawSpinLock
{
    private int _held;

    /// <summary>Whether some thread holds the lock (a racy snapshot, for assertions and diagnostics).</summary>
    public readonly bool IsHeld => Volatile.Read(in _held) != 0; // not cached in a register across a polling loop

    /// <summary>Acquires the lock.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Enter()
    {
        // Acquire: the holder's writes inside the section are visible to whoever enters next.
        if (Interlocked.CompareExchange(ref _held, 1, 0) != 0)
        {
            EnterContended();
        }
    }

    /// <summary>Releases the lock.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Exit() => Volatile.Write(ref _held, 0); // release: publishes the section's writes

    /// <summary>Acquires the lock and returns a scope whose disposal releases it.</summary>
    [UnscopedRef]
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Scope EnterScope()
    {
        Enter();
        return new Scope(ref this);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void EnterContended()
    {
        var spinner = default(SpinWait);
        do
        {
            // Never Thread.Sleep(1), which SpinOnce() reaches after a few dozen waits: a section here lasts
            // microseconds at most (a refill's rotation and shrink), so a millisecond's sleep only idles the waiter
            // long after the lock came free. Yielding still lets a preempted holder run.
            spinner.SpinOnce(sleep1Threshold: -1);
        }
        // Test-and-test-and-set: spin on a plain read (the cache line stays shared) and try the acquiring
        // compare-exchange only once the lock looks free, so waiters do not bounce the line off the holder.
        while (Volatile.Read(ref _held) != 0 || Interlocked.CompareExchange(ref _held, 1, 0) != 0);
    }

    /// <summary>A held <see cref="RawSpinLock"/>; disposing it releases the lock.</summary>
    public readonly ref struct Scope
    {
        private readonly ref RawSpinLock _lock;

        internal Scope(ref RawSpinLock spinLock) => _lock = ref spinLock;

        /// <summary>Releases the lock.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Dispose() => _lock.Exit();
    }
}
