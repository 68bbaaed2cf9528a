namespace PerfKit.Bench.Infrastructure;

/// <summary>
/// A fixed set of dedicated threads that run one body together per <see cref="Run"/>: the throughput harness
/// behind the multi-threaded benchmarks. Threads are created once (in GlobalSetup), park between runs, and are
/// released together, so a BenchmarkDotNet invocation measures the wall time for all threads to finish their share.
/// </summary>
/// <remarks>
/// The fixed cost per run (two barrier phases, tens of microseconds) is kept small relative to the work by giving
/// each run millions of operations.
/// </remarks>
public sealed class ThreadGang : IDisposable
{
    private readonly Thread[] _threads;
    private readonly Barrier _barrier;
    private Action<int>? _body;
    private volatile bool _stopping;

    /// <summary>Starts <paramref name="threadCount"/> parked threads.</summary>
    public ThreadGang(int threadCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threadCount, 1);
        _barrier = new Barrier(threadCount + 1);
        _threads = new Thread[threadCount];
        for (int i = 0; i < threadCount; i++)
        {
            int index = i;
            _threads[i] = new Thread(() => Work(index)) { IsBackground = true, Name = $"gang-{i}" };
            _threads[i].Start();
        }
    }

    /// <summary>The number of threads.</summary>
    public int Count => _threads.Length;

    /// <summary>Runs <paramref name="body"/> (given the thread's index) on every thread at once and waits for all.</summary>
    public void Run(Action<int> body)
    {
        _body = body;
        _barrier.SignalAndWait(); // release
        _barrier.SignalAndWait(); // all done
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _stopping = true;
        _barrier.SignalAndWait();
        foreach (Thread thread in _threads)
        {
            thread.Join();
        }

        _barrier.Dispose();
    }

    private void Work(int index)
    {
        while (true)
        {
            _barrier.SignalAndWait();
            if (_stopping)
            {
                return;
            }

            _body!(index);
            _barrier.SignalAndWait();
        }
    }
}
