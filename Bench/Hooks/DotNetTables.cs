using System.Collections.Concurrent;
using Microsoft.Extensions.Caching.Memory;
using PerfKit.Hooks;
using PerfKit.Hooks.Tables;

namespace PerfKit.Bench.Hooks;

/// <summary>
/// The benchmark baseline: the load balancer's tables as a .NET developer would build them — ConcurrentDictionary
/// for services, backends, the affinity-match set and node addresses; MemoryCache (size-limited) for session
/// affinity and socket reverse NAT. The hook logic running on it is PerfKit's, unchanged.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "It is disposable: Dispose() disposes both caches; the rule does not recognise the struct's implementation.")]
public readonly struct DotNetTables : ILoadBalancerTables, IDisposable
{
    private static readonly MemoryCacheEntryOptions s_sizeOne = new() { Size = 1 };

    private readonly ConcurrentDictionary<ServiceKey, ServiceEntry> _services = new();
    private readonly ConcurrentDictionary<uint, BackendEntry> _backends = new();
    private readonly ConcurrentDictionary<AffinityMatchKey, byte> _affinityMatch = new();
    private readonly ConcurrentDictionary<IpAddr, NodeAddressKind> _nodeAddresses = new();
    private readonly MemoryCache _affinity;
    private readonly MemoryCache _reverseNat;

    /// <summary>Creates the tables; the caches are limited to the option's LRU sizes.</summary>
    public DotNetTables(LoadBalancerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _affinity = new MemoryCache(new MemoryCacheOptions { SizeLimit = options.AffinityMapSize });
        _reverseNat = new MemoryCache(new MemoryCacheOptions { SizeLimit = options.ReverseNatMapSize });
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _affinity.Dispose();
        _reverseNat.Dispose();
    }

    /// <inheritdoc />
    public (int Services, int Backends, int AffinityMatches) FreeEntries => (int.MaxValue, int.MaxValue, int.MaxValue);

    /// <inheritdoc />
    public bool TryGetService(in ServiceKey key, out ServiceEntry entry) => _services.TryGetValue(key, out entry);

    /// <inheritdoc />
    public bool TryGetBackend(uint backendId, out BackendEntry backend) => _backends.TryGetValue(backendId, out backend);

    /// <inheritdoc />
    public NodeAddressKind NodeAddressKindOf(in IpAddr address) => _nodeAddresses.GetValueOrDefault(address);

    /// <inheritdoc />
    public bool TryGetAffinity(in AffinityKey key, out AffinityEntry entry) => _affinity.TryGetValue(key, out entry);

    /// <inheritdoc />
    public void RefreshAffinity(in AffinityKey key, in AffinityEntry entry) => _affinity.Set(key, entry, s_sizeOne);

    /// <inheritdoc />
    public void PutAffinity(in AffinityKey key, in AffinityEntry entry) => _affinity.Set(key, entry, s_sizeOne);

    /// <inheritdoc />
    public void DeleteAffinity(in AffinityKey key) => _affinity.Remove(key);

    /// <inheritdoc />
    public bool IsAffinityMatch(in AffinityMatchKey key) => _affinityMatch.ContainsKey(key);

    /// <inheritdoc />
    public bool TryGetReverseNat(in ReverseNatKey key, out ReverseNatEntry entry) => _reverseNat.TryGetValue(key, out entry);

    /// <inheritdoc />
    public bool UpdateReverseNatIfChanged(in ReverseNatKey key, in ReverseNatEntry entry, out bool written)
    {
        written = !_reverseNat.TryGetValue(key, out ReverseNatEntry existing) || existing != entry;
        if (written)
        {
            _reverseNat.Set(key, entry, s_sizeOne);
        }

        return true;
    }

    /// <inheritdoc />
    public void DeleteReverseNat(in ReverseNatKey key) => _reverseNat.Remove(key);

    /// <inheritdoc />
    public bool PutService(in ServiceKey key, in ServiceEntry entry)
    {
        _services[key] = entry;
        return true;
    }

    /// <inheritdoc />
    public void DeleteService(in ServiceKey key) => _services.TryRemove(key, out _);

    /// <inheritdoc />
    public bool PutBackend(uint backendId, in BackendEntry backend)
    {
        _backends[backendId] = backend;
        return true;
    }

    /// <inheritdoc />
    public void DeleteBackend(uint backendId) => _backends.TryRemove(backendId, out _);

    /// <inheritdoc />
    public bool PutAffinityMatch(in AffinityMatchKey key)
    {
        _affinityMatch[key] = 1;
        return true;
    }

    /// <inheritdoc />
    public void DeleteAffinityMatch(in AffinityMatchKey key) => _affinityMatch.TryRemove(key, out _);

    /// <inheritdoc />
    public bool PutNodeAddress(in IpAddr address, NodeAddressKind kind)
    {
        _nodeAddresses[address] = kind;
        return true;
    }

    /// <inheritdoc />
    public void DeleteNodeAddress(in IpAddr address) => _nodeAddresses.TryRemove(address, out _);
}

/// <summary>The hook logic on the baseline tables.</summary>
public sealed class DotNetLoadBalancer(NetworkHost host, LoadBalancerOptions options)
    : LoadBalancer<DotNetTables>(host, new DotNetTables(options), options);
