using System.Globalization;
using PerfKit.Kernel;

namespace PerfKit.Conformance;

/// <summary>What one conformance run did: the first divergence if any, and what it exercised.</summary>
/// <param name="Divergence">The first divergence, or null.</param>
/// <param name="Steps">Steps run (up to and including a divergent one).</param>
/// <param name="Evictions">Entries PerfKit's LRU evicted (the kernel evicted the same ones while the key sets agreed).</param>
/// <param name="KernelResults">The kernel's results of updates and deletes, by errno.</param>
public sealed record ConformanceOutcome(Divergence? Divergence, int Steps, long Evictions, ErrnoCounts KernelResults);

/// <summary>How often each errno was returned.</summary>
public sealed class ErrnoCounts
{
    private readonly SortedDictionary<Errno, long> _counts = [];

    /// <summary>The counts, by errno.</summary>
    public IReadOnlyDictionary<Errno, long> Counts => _counts;

    /// <summary>Counts <paramref name="errno"/> and returns it.</summary>
    public Errno Add(Errno errno)
    {
        _counts[errno] = _counts.GetValueOrDefault(errno) + 1;
        return errno;
    }

    /// <summary>Adds every count of <paramref name="other"/>.</summary>
    public void AddAll(ErrnoCounts other)
    {
        ArgumentNullException.ThrowIfNull(other);
        foreach ((Errno errno, long count) in other._counts)
        {
            _counts[errno] = _counts.GetValueOrDefault(errno) + count;
        }
    }

    /// <summary>e.g. <c>ok 1200, EEXIST 40, ENOENT 310</c>.</summary>
    public override string ToString() => string.Join(", ", _counts.Select(c =>
        string.Create(CultureInfo.InvariantCulture, $"{(c.Key == Errno.None ? "ok" : ErrnoNames.NameOf(c.Key))} {c.Value:N0}")));
}
