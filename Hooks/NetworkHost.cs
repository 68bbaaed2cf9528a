using System.Runtime.CompilerServices;
using PerfKit.Cookies;

namespace PerfKit.Hooks;

/// <summary>
/// The host's network state that cookies belong to: the initial network namespace, the namespaces created
/// after it, and the two cookie generators (one for namespaces, one for sockets, as in the kernel). It also
/// offers the cookie helpers that hook programs call.
/// </summary>
/// <remarks>
/// The initial namespace is created with the host and takes the first cookie of the namespace generator. Other
/// namespaces get theirs on first request, assigned once. Socket cookies
/// come from one generator for all namespaces, as in the kernel since 2019, so they can key maps shared by
/// programs in the host namespace.
/// </remarks>
public sealed class NetworkHost
{
    /// <summary>Creates a host with its initial namespace.</summary>
    /// <param name="netnsCookies">
    /// Generator for namespace cookies; defaults to <see cref="NetnsCookieGenerators.Default"/>'s, what the kernels
    /// PerfKit runs on (6.18) do: a namespace's cookie is its namespace id, drawn from cookie.h's per-CPU batches with
    /// the initial namespace's id 3 (see <see cref="NetnsCookieEra"/> for other kernels). The kernel shares that
    /// generator with every other namespace type, so its values match the model's by shape, not one for one.
    /// </param>
    /// <param name="socketCookies">
    /// Generator for socket cookies; defaults to a <see cref="PerThreadCookieGenerator"/> (the kernel uses its
    /// per-CPU batched generator, cookie.h; the per-thread variant is that design without a locked instruction per cookie).
    /// </param>
    public NetworkHost(ICookieGenerator? netnsCookies = null, ICookieGenerator? socketCookies = null)
    {
        NetnsCookies = netnsCookies ?? NetnsCookieGenerators.Create(NetnsCookieGenerators.Default, Environment.ProcessorCount);
        SocketCookies = socketCookies ?? new PerThreadCookieGenerator();
        InitialNamespace = new NetNamespace(this, isInitial: true);
        _ = InitialNamespace.Cookie; // net_ns_init(): init_net takes its cookie before any other namespace exists.
    }

    /// <summary>The initial namespace's cookie with the default namespace generator: init_net's in <see cref="NetnsCookieGenerators.Default"/>.</summary>
    public static ulong InitialNetnsCookie => NetnsCookieGenerators.InitialCookie(NetnsCookieGenerators.Default);

    /// <summary>The generator namespace cookies are drawn from.</summary>
    public ICookieGenerator NetnsCookies { get; }

    /// <summary>The generator socket cookies are drawn from.</summary>
    public ICookieGenerator SocketCookies { get; }

    /// <summary>The initial (host) network namespace, the kernel's <c>init_net</c>.</summary>
    public NetNamespace InitialNamespace { get; }

    /// <summary>Creates a new network namespace (a pod's, say). Its cookie is assigned on first request.</summary>
    public NetNamespace CreateNamespace() => new(this, isInitial: false);

    /// <summary>
    /// The cookie of the socket's network namespace, or of the initial namespace when <paramref name="context"/>
    /// is <see langword="null"/>: the kernel helper <c>bpf_get_netns_cookie(ctx)</c>. Cilium tells the host
    /// from pods with <c>GetNetnsCookie(ctx) == GetNetnsCookie(null)</c>.
    /// </summary>
    /// <param name="context">The socket the hook runs for, or <see langword="null"/> for the initial namespace.</param>
    /// <exception cref="ArgumentException"><paramref name="context"/> belongs to another <see cref="NetworkHost"/>.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong GetNetnsCookie(Socket? context)
    {
        if (context is null)
        {
            return InitialNamespace.Cookie;
        }

        EnsureOwned(context);
        return context.Namespace.Cookie;
    }

    /// <summary>
    /// The socket's cookie, assigned on first request: the kernel helper <c>bpf_get_socket_cookie(ctx)</c>.
    /// </summary>
    /// <param name="context">The socket the hook runs for.</param>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="context"/> belongs to another <see cref="NetworkHost"/>.</exception>
    public ulong GetSocketCookie(Socket context)
    {
        ArgumentNullException.ThrowIfNull(context);
        EnsureOwned(context);
        return context.Cookie;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void EnsureOwned(Socket socket)
    {
        if (!ReferenceEquals(socket.Namespace.Host, this))
        {
            throw new ArgumentException("The socket belongs to a different NetworkHost; cookies are only meaningful within one host.", nameof(socket));
        }
    }
}
