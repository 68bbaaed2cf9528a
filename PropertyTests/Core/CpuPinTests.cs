namespace PerfKit.PropertyTests.Core;

public sealed class CpuPinTests
{
    [Fact]
    public void Pin_OverridesCurrent_AndNestedPinsRestoreInOrder()
    {
        Assert.Null(Cpu.PinnedCpu);
        using (Cpu.Pin(5))
        {
            Assert.Equal(5, Cpu.Current);
            using (Cpu.Pin(2))
            {
                Assert.Equal(2, Cpu.Current);
                Assert.Equal(2, Cpu.IndexFor(3));
                Assert.Equal(0, Cpu.IndexFor(2));
            }

            Assert.Equal(5, Cpu.Current);
            Assert.Equal(1, Cpu.IndexFor(4));
        }

        Assert.Null(Cpu.PinnedCpu);
    }

    [Fact]
    public void Pin_IsPerThread()
    {
        using (Cpu.Pin(7))
        {
            int? other = null;
            var thread = new Thread(() => other = Cpu.PinnedCpu);
            thread.Start();
            thread.Join();
            Assert.Null(other);
            Assert.Equal(7, Cpu.PinnedCpu);
        }
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(Cpu.MaxCpus)]
    public void Pin_OutOfRange_Throws(int cpu) => Assert.Throws<ArgumentOutOfRangeException>(() => Cpu.Pin(cpu));

    [Fact]
    public void Dispose_OutOfOrder_OrTwice_Throws_AndLeavesThePinsIntact()
    {
        CpuPin outer = Cpu.Pin(1);
        CpuPin inner = Cpu.Pin(2);
        Assert.Throws<InvalidOperationException>(outer.Dispose);
        Assert.Equal(2, Cpu.Current);
        inner.Dispose();
        Assert.Throws<InvalidOperationException>(inner.Dispose);
        Assert.Equal(1, Cpu.Current);
        outer.Dispose();
        Assert.Null(Cpu.PinnedCpu);
    }

    [Fact]
    public void Dispose_OnAnotherThread_Throws()
    {
        CpuPin pin = Cpu.Pin(3);
        Exception? error = null;
        var thread = new Thread(() => error = Record.Exception(pin.Dispose));
        thread.Start();
        thread.Join();
        Assert.IsType<InvalidOperationException>(error);
        pin.Dispose();
        Assert.Null(Cpu.PinnedCpu);
    }

    [Fact]
    public void Current_Unpinned_IsTheProcessorNumber_AndIndexForStaysInRange()
    {
        Assert.InRange(Cpu.Current, 0, int.MaxValue);
        for (int n = 1; n <= 16; n++)
        {
            Assert.InRange(Cpu.IndexFor(n), 0, n - 1);
        }
    }
}
