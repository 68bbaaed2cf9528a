using System.Text;

namespace PerfKit.PropertyTests.Support;

/// <summary>One completed operation of a concurrent history: what was called, what it returned, and when.</summary>
/// <param name="Thread">The thread that ran it.</param>
/// <param name="Kind">0 update(any), 1 update(noexist), 2 update(exist), 3 lookup, 4 peek, 5 delete, 6 lookup-and-delete, 7 in-place write.</param>
/// <param name="Key">The key.</param>
/// <param name="Value">The value written (writes only).</param>
/// <param name="Invoked">Logical time just before the call.</param>
/// <param name="Returned">Logical time just after it returned.</param>
/// <param name="Result">The outcome code (MapResult, or 1/0 for found/not found).</param>
/// <param name="Output">The value read (reads only; 0 otherwise).</param>
public sealed record HistoryOp(int Thread, int Kind, ulong Key, ulong Value, long Invoked, long Returned, int Result, ulong Output)
{
    private static readonly string[] Names = ["update(any)", "update(noexist)", "update(exist)", "lookup", "peek", "delete", "lookup-and-delete", "write"];

    /// <inheritdoc />
    public override string ToString() =>
        $"T{Thread} [{Invoked,3}..{Returned,3}] {Names[Kind]}({Key}{(Kind is 0 or 1 or 2 or 7 ? $", {Value}" : string.Empty)}) -> {Result}{(Kind is 3 or 4 or 6 ? $", {Output}" : string.Empty)}";
}

/// <summary>
/// Decides whether a history of map operations is linearizable: whether some order of the operations that respects
/// real time (an operation that returned before another was invoked comes first) replays on the sequential map
/// with the same results. A depth-first search over orders, memoised on (operations done, map state). When
/// <c>evictionsAllowed</c>, any key may also vanish between two operations (eviction, the one nondeterminism the
/// LRU map has).
/// </summary>
public static class LinearizabilityChecker
{
    /// <summary>True if <paramref name="history"/> is linearizable.</summary>
    public static bool Check(IReadOnlyList<HistoryOp> history, bool evictionsAllowed)
    {
        var failed = new HashSet<(int Done, string State)>();
        return Search(history, done: 0, new SortedDictionary<ulong, ulong>(), evictionsAllowed, failed);
    }

    /// <summary>The history, one operation per line in invocation order, for failure messages.</summary>
    public static string Describe(IEnumerable<HistoryOp> history) =>
        new StringBuilder().AppendJoin('\n', history.OrderBy(o => o.Invoked)).ToString();

    private static bool Search(IReadOnlyList<HistoryOp> ops, int done, SortedDictionary<ulong, ulong> state, bool evictions, HashSet<(int, string)> failed)
    {
        if (done == (1 << ops.Count) - 1)
        {
            return true;
        }

        string key = string.Join(',', state.Select(e => $"{e.Key}={e.Value}"));
        if (failed.Contains((done, key)))
        {
            return false;
        }

        // Candidates: pending operations not preceded in real time by another pending one.
        for (int i = 0; i < ops.Count; i++)
        {
            if ((done & (1 << i)) != 0 || !IsMinimal(ops, done, i))
            {
                continue;
            }

            foreach (SortedDictionary<ulong, ulong> before in EvictionChoices(state, evictions))
            {
                var after = new SortedDictionary<ulong, ulong>(before);
                if (Apply(ops[i], after) && Search(ops, done | (1 << i), after, evictions, failed))
                {
                    return true;
                }
            }
        }

        failed.Add((done, key));
        return false;
    }

    private static bool IsMinimal(IReadOnlyList<HistoryOp> ops, int done, int i)
    {
        for (int j = 0; j < ops.Count; j++)
        {
            if (j != i && (done & (1 << j)) == 0 && ops[j].Returned < ops[i].Invoked)
            {
                return false;
            }
        }

        return true;
    }

    // The state as it is, and, when evictions are allowed, with any one key gone.
    private static IEnumerable<SortedDictionary<ulong, ulong>> EvictionChoices(SortedDictionary<ulong, ulong> state, bool evictions)
    {
        yield return state;
        if (!evictions)
        {
            yield break;
        }

        foreach (ulong key in state.Keys.ToArray())
        {
            var without = new SortedDictionary<ulong, ulong>(state);
            without.Remove(key);
            yield return without;
        }
    }

    // The sequential map: applies the operation and says whether it would have returned what was observed.
    private static bool Apply(HistoryOp op, SortedDictionary<ulong, ulong> state)
    {
        bool present = state.TryGetValue(op.Key, out ulong current);
        switch (op.Kind)
        {
            case 0 or 1 or 2:
                int expected = op.Kind == 1 && present ? 1 : op.Kind == 2 && !present ? 2 : 0; // Ok, KeyExists, KeyNotFound
                if (op.Result != expected)
                {
                    return false;
                }

                if (expected == 0)
                {
                    state[op.Key] = op.Value;
                }

                return true;
            case 3 or 4:
                return op.Result == (present ? 1 : 0) && (!present || op.Output == current);
            case 5:
                state.Remove(op.Key);
                return op.Result == (present ? 0 : 2);
            case 6:
                state.Remove(op.Key);
                return op.Result == (present ? 0 : 2) && (!present || op.Output == current);
            default:
                if (present)
                {
                    state[op.Key] = op.Value;
                }

                return op.Result == (present ? 1 : 0);
        }
    }
}
