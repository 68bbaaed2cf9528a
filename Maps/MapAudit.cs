namespace PerfKit.Maps;

/// <summary>
/// The result of a map integrity check: every node in exactly one list, live + free = capacity, no key twice,
/// chains well formed. Taken by the maps' <c>Audit</c> methods, which must run while no operation is in flight.
/// </summary>
/// <param name="Live">Entries linked in the hash table.</param>
/// <param name="Free">Nodes on free lists.</param>
/// <param name="Capacity">Element nodes.</param>
/// <param name="Problems">Every violation found, in words; empty when the map is consistent.</param>
public sealed record MapAudit(int Live, int Free, int Capacity, IReadOnlyList<string> Problems)
{
    /// <summary>The audit of a map whose checks found <paramref name="problems"/>, adding the check both maps share: live + free = capacity.</summary>
    internal static MapAudit Of(int live, int free, int capacity, List<string> problems)
    {
        if (live + free != capacity)
        {
            problems.Add($"{live} live + {free} free != capacity {capacity}");
        }

        return new MapAudit(live, free, capacity, problems);
    }

    /// <summary>Whether no violation was found.</summary>
    public bool IsConsistent => Problems.Count == 0;

    /// <inheritdoc />
    public override string ToString() =>
        IsConsistent
            ? $"consistent: {Live} live + {Free} free = {Capacity}"
            : $"{Problems.Count} problem(s): {string.Join("; ", Problems.Take(10))}";
}
