using PerfKit.Maps;

namespace PerfKit.Samples;

internal static class KeyRulesSample
{
    public static void Run()
    {
        // <readme:key-rules>
        string? refusal = null;
        try
        {
            _ = new LruHashMap<double, long>(new LruHashMapOptions { MaxEntries = 16 });
        }
        catch (NotSupportedException e)
        {
            refusal = e.Message; // keys are compared by their bytes, and 0.0 equals -0.0 ...
        }

        // A floating-point key, normalised to the bits that make equal values equal keys:
        static long KeyOf(double x) => BitConverter.DoubleToInt64Bits(x == 0 ? 0.0 : x);
        var byValue = new LruHashMap<long, long>(new LruHashMapOptions { MaxEntries = 16 });
        byValue.Update(KeyOf(0.0), 1);
        bool found = byValue.TryLookup(KeyOf(-0.0), out long one); // true: -0.0 and 0.0 are one key
        // </readme:key-rules>
        Check.That(refusal is not null && found && one == 1, "key-rules");
    }
}
