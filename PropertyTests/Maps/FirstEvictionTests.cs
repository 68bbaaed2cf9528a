using PerfKit.Maps;

namespace PerfKit.PropertyTests.Maps;

/// <summary>
/// Fill level at the first eviction, 2 CPUs, inserts alternating between them (threads spread over both): the
/// kernel's order (shrink before steal) evicts while the other CPU's cache still holds free nodes;
/// <see cref="LruHashMapOptions.StealBeforeShrink"/> fills the map completely first.
/// </summary>
public sealed class FirstEvictionTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(1000, FreeTargetPolicy.Adaptive)]
    [InlineData(1000, FreeTargetPolicy.Classic)]
    [InlineData(10_000, FreeTargetPolicy.Adaptive)]
    public void StealBeforeShrink_FirstEvictionOnlyWhenFull(int capacity, FreeTargetPolicy policy)
    {
        double kernel = PerfKit.Reliability.FirstEviction.FillAt(capacity, policy, stealBeforeShrink: false);
        double stealFirst = PerfKit.Reliability.FirstEviction.FillAt(capacity, policy, stealBeforeShrink: true);
        output.WriteLine($"capacity {capacity}, {policy}: first eviction at {kernel:P1} fill (kernel order), {stealFirst:P1} (steal before shrink)");
        Assert.Equal(1.0, stealFirst);
        Assert.True(kernel < 1.0, $"the kernel order evicted only at {kernel:P1}");
    }
}
