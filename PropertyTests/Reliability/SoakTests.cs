using PerfKit.Reliability;

namespace PerfKit.PropertyTests.Reliability;

/// <summary>The soak, 30 s in CI: both LRU flavors and the load balancer under 4 threads plus control-plane churn.</summary>
public sealed class SoakTests(ITestOutputHelper output)
{
    [Fact]
    public void Soak_ThirtySeconds_FindsNoViolation()
    {
        SoakReport report = SoakRunner.Run(new SoakOptions(Threads: 4, Duration: TimeSpan.FromSeconds(30)));
        output.WriteLine($"soak: {report.Rounds} rounds, {report.Operations:N0} operations, {report.Violations.Count} violations");
        Assert.True(report.Violations.Count == 0, string.Join('\n', report.Violations.Take(20)));
        Assert.True(report.Rounds > 10 && report.Operations > 100_000, $"{report.Rounds} rounds, {report.Operations} operations");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(9)]
    public void Soak_RejectsThreadCountsOutsideTwoToEight(int threads) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => SoakRunner.Run(new SoakOptions(threads, TimeSpan.FromSeconds(1))));
}
