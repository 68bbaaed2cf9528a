using PerfKit.Kernel;

namespace PerfKit.Bench.Kernel;

/// <summary>Runs a body on one fresh thread per CPU, each pinned with <c>sched_setaffinity</c>, released together by a barrier.</summary>
public static class PinnedThreads
{
    /// <summary>Runs <paramref name="body"/>(i) on a thread pinned to <paramref name="cpus"/>[i], for every i at once; returns each result.</summary>
    public static T[] Run<T>(IReadOnlyList<int> cpus, Func<int, T> body)
    {
        ArgumentNullException.ThrowIfNull(cpus);
        ArgumentNullException.ThrowIfNull(body);
        var results = new T[cpus.Count];
        var failures = new Exception?[cpus.Count];
        using var start = new Barrier(cpus.Count);
        Thread[] threads = [.. Enumerable.Range(0, cpus.Count).Select(i => new Thread(() =>
        {
            try
            {
                CpuAffinity.Set(cpus[i]);
                start.SignalAndWait();
                results[i] = body(i);
            }
            catch (Exception e)
            {
                failures[i] = e;
                start.RemoveParticipant(); // the others are not left waiting for this one
            }
        }) { IsBackground = true, Name = $"pinned-cpu{cpus[i]}" })];
        foreach (Thread thread in threads)
        {
            thread.Start();
        }

        foreach (Thread thread in threads)
        {
            thread.Join();
        }

        Exception? failure = failures.FirstOrDefault(f => f is not null);
        return failure is null ? results : throw new InvalidOperationException($"a pinned thread failed: {failure.Message}", failure);
    }
}
