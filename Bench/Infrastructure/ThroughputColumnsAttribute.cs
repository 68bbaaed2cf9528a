using BenchmarkDotNet.Configs;

namespace PerfKit.Bench.Infrastructure;

/// <summary>Adds the <see cref="ThroughputColumns"/> (Mops/s and throughput relative to the baseline) to a benchmark class.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class ThroughputColumnsAttribute : Attribute, IConfigSource
{
    /// <inheritdoc />
    public IConfig Config { get; } = ManualConfig.CreateEmpty().AddColumn(ThroughputColumns.Mops, ThroughputColumns.VersusBaseline);
}
