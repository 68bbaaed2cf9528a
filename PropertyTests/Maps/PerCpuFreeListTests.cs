using PerfKit.Maps.Internal;

namespace PerfKit.PropertyTests.Maps;

/// <summary>The plain hash map's per-CPU free lists are filled as the kernel's <c>pcpu_freelist_populate</c> fills them.</summary>
public sealed class PerCpuFreeListTests
{
    [Theory]
    [InlineData(10, 2)]
    [InlineData(12, 3)]
    [InlineData(7, 4)]
    [InlineData(3, 4)]
    public void Populate_GivesEachCpuAContiguousBlock_PoppedHighestFirst(int capacity, int cpus)
    {
        var free = new PerCpuFreeList(capacity, cpus);
        int perCpu = (capacity / cpus) + 1;
        var expected = new List<int>();
        for (int cpu = 0; cpu < cpus; cpu++)
        {
            int first = cpu * perCpu, end = Math.Min(capacity, first + perCpu);
            for (int n = end - 1; n >= first; n--)
            {
                expected.Add(n);
            }
        }

        // Pinned to CPU 0, pops drain CPU 0's block, then CPU 1's, and so on (pop moves to the next CPU when empty).
        var popped = new List<int>();
        using (Cpu.Pin(0))
        {
            for (int n = free.Pop(); n >= 0; n = free.Pop())
            {
                popped.Add(n);
            }
        }

        Assert.Equal(expected, popped);
    }

    [Fact]
    public void Populate_OneCpusConsecutiveAllocations_AreNeighbouringNodes()
    {
        var free = new PerCpuFreeList(1000, 2);
        using (Cpu.Pin(1))
        {
            int previous = free.Pop();
            for (int i = 0; i < 100; i++)
            {
                int next = free.Pop();
                Assert.Equal(previous - 1, next);
                previous = next;
            }
        }
    }
}
