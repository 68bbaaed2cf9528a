using BitFaster.Caching;
using BitFaster.Caching.Lfu;
using BitFaster.Caching.Lru;
using BitFaster.Caching.Scheduler;
using PerfKit.Maps;

namespace PerfKit.Bench.HitRate;

/// <summary>A cache policy replayed over a trace: a request is a hit or a miss, and a miss admits the key.</summary>
public interface IHitRatePolicy
{
    /// <summary>Processes the request at <paramref name="position"/> of the trace; true on a hit.</summary>
    bool Request(long key, int position);
}

/// <summary>Creates each policy for a trace and capacity.</summary>
public static class HitRatePolicies
{
    /// <summary>Policy names, in report order.</summary>
    public static readonly string[] Names = ["LruHashMap Common", "LruHashMap PerCpu", "exact LRU", "ConcurrentLru", "ConcurrentLfu", "OPT (Bélády)"];

    /// <summary>A fresh policy instance.</summary>
    public static IHitRatePolicy Create(string name, int capacity, long[] trace) => name switch
    {
        "LruHashMap Common" => new LruMapPolicy(capacity, LruFlavor.Common),
        "LruHashMap PerCpu" => new LruMapPolicy(capacity, LruFlavor.PerCpu),
        "exact LRU" => new ExactLruPolicy(capacity),
        "ConcurrentLru" => new BitFasterPolicy(new ConcurrentLru<long, long>(capacity)),
        // W-TinyLFU with its maintenance run in the foreground, so the replay is deterministic.
        "ConcurrentLfu" => new BitFasterPolicy(new ConcurrentLfu<long, long>(1, capacity, new ForegroundScheduler(), EqualityComparer<long>.Default)),
        "OPT (Bélády)" => new OptimalPolicy(capacity, trace),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "unknown policy"),
    };

    /// <summary>The LRU map on one CPU (PossibleCpus = 1, pinned): program lookup; on a miss, update.</summary>
    private sealed class LruMapPolicy(int capacity, LruFlavor flavor) : IHitRatePolicy
    {
        private readonly LruHashMap<long, long> _map = new(new LruHashMapOptions { MaxEntries = capacity, PossibleCpus = 1, Flavor = flavor });

        public bool Request(long key, int position)
        {
            if (_map.TryLookup(key, out _))
            {
                return true;
            }

            _map.Update(key, key);
            return false;
        }
    }

    /// <summary>Exact LRU: a dictionary into a recency-ordered linked list.</summary>
    private sealed class ExactLruPolicy(int capacity) : IHitRatePolicy
    {
        private readonly Dictionary<long, LinkedListNode<long>> _index = new(capacity);
        private readonly LinkedList<long> _recency = new();

        public bool Request(long key, int position)
        {
            if (_index.TryGetValue(key, out LinkedListNode<long>? node))
            {
                _recency.Remove(node);
                _recency.AddFirst(node);
                return true;
            }

            if (_index.Count == capacity)
            {
                _index.Remove(_recency.Last!.Value);
                _recency.RemoveLast();
            }

            _index[key] = _recency.AddFirst(key);
            return false;
        }
    }

    /// <summary>A BitFaster.Caching cache: TryGet; on a miss, AddOrUpdate.</summary>
    private sealed class BitFasterPolicy(ICache<long, long> cache) : IHitRatePolicy
    {
        public bool Request(long key, int position)
        {
            if (cache.TryGet(key, out _))
            {
                return true;
            }

            cache.AddOrUpdate(key, key);
            return false;
        }
    }

    /// <summary>Bélády's optimal offline policy: on a miss in a full cache, evict the key whose next use is furthest away.</summary>
    private sealed class OptimalPolicy : IHitRatePolicy
    {
        private readonly int _capacity;
        private readonly int[] _nextUse;
        private readonly Dictionary<long, int> _cached; // key → its next use
        private readonly PriorityQueue<long, int> _byNextUse = new(Comparer<int>.Create((a, b) => b.CompareTo(a))); // furthest first; stale entries skipped

        public OptimalPolicy(int capacity, long[] trace)
        {
            _capacity = capacity;
            _cached = new Dictionary<long, int>(capacity);
            _nextUse = new int[trace.Length];
            var seen = new Dictionary<long, int>();
            for (int i = trace.Length - 1; i >= 0; i--)
            {
                _nextUse[i] = seen.TryGetValue(trace[i], out int next) ? next : int.MaxValue;
                seen[trace[i]] = i;
            }
        }

        public bool Request(long key, int position)
        {
            int next = _nextUse[position];
            bool hit = _cached.ContainsKey(key);
            if (!hit && _cached.Count == _capacity)
            {
                while (true)
                {
                    _byNextUse.TryDequeue(out long victim, out int victimNext);
                    if (_cached.TryGetValue(victim, out int current) && current == victimNext)
                    {
                        _cached.Remove(victim);
                        break;
                    }
                }
            }

            _cached[key] = next;
            _byNextUse.Enqueue(key, next);
            return hit;
        }
    }
}
