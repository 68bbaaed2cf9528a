using System.Diagnostics.CodeAnalysis;

namespace PerfKit.Maps;

/// <summary>How an update treats an existing key (BPF_ANY, BPF_NOEXIST, BPF_EXIST).</summary>
/// <remarks>Values, not bits: like the kernel's map_flags for updates, exactly one of them is given.</remarks>
[SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "The public name is fixed by the API spec and mirrors the kernel's update flags.")]
public enum UpdateFlags
{
    /// <summary>Create the key or replace its value (BPF_ANY).</summary>
    Any = 0,

    /// <summary>Create the key only if it does not exist (BPF_NOEXIST).</summary>
    NoExist = 1,

    /// <summary>Replace the value only if the key exists (BPF_EXIST).</summary>
    Exist = 2,
}
