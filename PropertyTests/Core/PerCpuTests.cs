using System.Runtime.CompilerServices;

namespace PerfKit.PropertyTests.Core;

public sealed class PerCpuTests
{
    [Fact]
    public void Slots_AreAtLeastOneCacheLineApart()
    {
        var slots = new PerCpu<long>(4);
        for (int i = 1; i < slots.Count; i++)
        {
            long distance = (long)Unsafe.ByteOffset(ref slots[i - 1], ref slots[i]);
            Assert.True(distance >= CacheLine.Size, $"slots {i - 1} and {i} are {distance} bytes apart");
        }
    }

    [Fact]
    public void Current_FollowsThePinnedCpu_ModuloCount()
    {
        var slots = new PerCpu<int>(3);
        for (int cpu = 0; cpu < 9; cpu++)
        {
            using (Cpu.Pin(cpu))
            {
                slots.Current++;
            }
        }

        Assert.Equal([3, 3, 3], Enumerable.Range(0, 3).Select(i => slots[i]));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    [InlineData(Cpu.MaxCpus + 1)]
    public void Constructor_RejectsBadCounts(int count) => Assert.Throws<ArgumentOutOfRangeException>(() => new PerCpu<int>(count));
}
