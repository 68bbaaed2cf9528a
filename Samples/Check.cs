namespace PerfKit.Samples;

/// <summary>What a snippet expects, checked: a sample that stops matching the library fails instead of printing.</summary>
internal static class Check
{
    public static void That(bool condition, string what)
    {
        if (!condition)
        {
            throw new InvalidOperationException($"sample failed: {what}");
        }
    }
}
