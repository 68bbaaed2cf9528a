namespace PerfKit.Hooks;

/// <summary>
/// The TCP slot picker (the kernel's get_prandom_u32): a per-thread xorshift64* generator, a few instructions where
/// <see cref="Random.Shared"/> is a thread-static lookup and a larger state. Statistical quality for picking a
/// backend slot, not for security.
/// </summary>
internal static class SlotRandom
{
    [ThreadStatic]
    private static ulong t_state;

    public static ulong Next()
    {
        ulong x = t_state;
        if (x == 0)
        {
            x = (ulong)Random.Shared.NextInt64() | 1; // seeded once per thread
        }

        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        t_state = x;
        return (x * 0x2545_F491_4F6C_DD1DUL) >> 32;
    }
}
