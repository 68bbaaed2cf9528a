namespace PerfKit.Cookies;

/// <summary>How a kernel numbers network namespaces (the values <c>bpf_get_netns_cookie</c> and <c>SO_NETNS_COOKIE</c> return).</summary>
public enum NetnsCookieEra
{
    /// <summary>One atomic counter for network namespaces, init_net 1 (2020, lazily; again from July 2025, at creation).</summary>
    SharedCounter,

    /// <summary>cookie.h's per-CPU batches of 4096, one generator for network namespaces, init_net 1 (2021 to mid-2025).</summary>
    PerCpuBatches,

    /// <summary>Namespace ids from one cookie.h generator shared by every namespace type, init_net 3 (the autumn-2025 step; Linux 6.18).</summary>
    NamespaceIdBatches,

    /// <summary>Namespace ids from one atomic counter shared by every namespace type, with fixed ids for the initial namespaces: init_net 7, new ones from 10.</summary>
    NamespaceIdCounter,
}

/// <summary>The netns cookie generator and the initial namespace's cookie of each <see cref="NetnsCookieEra"/>.</summary>
public static class NetnsCookieGenerators
{
    /// <summary>The era of the kernels PerfKit runs on (Linux 6.18; <c>PerfKit.Kernel</c> detects it from the running kernel's behaviour).</summary>
    public const NetnsCookieEra Default = NetnsCookieEra.NamespaceIdBatches;

    /// <summary>init_net's cookie in <paramref name="era"/>.</summary>
    public static ulong InitialCookie(NetnsCookieEra era) => era switch
    {
        NetnsCookieEra.NamespaceIdBatches => 3,
        NetnsCookieEra.NamespaceIdCounter => 7,
        _ => 1,
    };

    /// <summary>
    /// A generator whose first value is init_net's cookie in <paramref name="era"/> and whose next values are drawn as
    /// that era draws them (the namespace-id eras share theirs with other namespace types, which a model of network
    /// namespaces alone does not create: its values match such a kernel's by shape, not one for one).
    /// </summary>
    /// <param name="era">The era.</param>
    /// <param name="possibleCpus">The CPUs of the per-CPU eras' batches.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="era"/> is not a defined era.</exception>
    public static ICookieGenerator Create(NetnsCookieEra era, int possibleCpus) => era switch
    {
        NetnsCookieEra.SharedCounter => new SharedCookieGenerator(),
        NetnsCookieEra.PerCpuBatches => new PerCpuCookieGenerator(possibleCpus),
        NetnsCookieEra.NamespaceIdBatches => new PerCpuCookieGenerator(possibleCpus, firstCookie: InitialCookie(era)),
        NetnsCookieEra.NamespaceIdCounter => new FixedFirstCookieGenerator(InitialCookie(era), new SharedCookieGenerator(firstCookie: 10)),
        _ => throw new ArgumentOutOfRangeException(nameof(era), era, "Unknown netns cookie era."),
    };

    // The initial namespace's fixed id first, then the shared counter (which starts after the fixed ids).
    private sealed class FixedFirstCookieGenerator(ulong first, ICookieGenerator rest) : ICookieGenerator
    {
        private int _firstTaken;

        public ulong NextCookie() =>
            Interlocked.Exchange(ref _firstTaken, 1) == 0 ? first : rest.NextCookie(); // the first caller alone gets the fixed id
    }
}
