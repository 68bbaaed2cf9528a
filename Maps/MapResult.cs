namespace PerfKit.Maps;

/// <summary>The outcome of a map operation; each value mirrors the kernel's return code.</summary>
public enum MapResult
{
    /// <summary>Success (0).</summary>
    Ok = 0,

    /// <summary>The key exists and <see cref="UpdateFlags.NoExist"/> was given (-EEXIST).</summary>
    KeyExists = 1,

    /// <summary>The key does not exist: a delete miss, or <see cref="UpdateFlags.Exist"/> on a missing key (-ENOENT).</summary>
    KeyNotFound = 2,

    /// <summary>The flags are not one of <see cref="UpdateFlags"/> (-EINVAL).</summary>
    InvalidFlags = 3,

    /// <summary>The LRU could not provide a node, even by evicting or stealing (-ENOMEM).</summary>
    NoFreeNode = 4,

    /// <summary>A plain <see cref="HashMap{TKey, TValue}"/> is full and the key is new (-E2BIG).</summary>
    MapFull = 5,
}
