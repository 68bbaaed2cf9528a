using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace PerfKit.Bench.Infrastructure;

/// <summary>
/// Columns for throughput benchmarks whose Mean is wall time per operation across all threads
/// (OperationsPerInvoke = total operations of all threads): operations per second, and the throughput ratio
/// to the baseline of the same parameter group.
/// </summary>
public static class ThroughputColumns
{
    /// <summary>Millions of operations per second, all threads together.</summary>
    public static readonly IColumn Mops = new MopsColumn();

    /// <summary>Throughput relative to the baseline in the same group (the inverse of BenchmarkDotNet's time Ratio).</summary>
    public static readonly IColumn VersusBaseline = new VersusBaselineColumn();

    private static double? MeanNanoseconds(Summary summary, BenchmarkCase benchmarkCase) =>
        summary[benchmarkCase]?.ResultStatistics?.Mean;

    private sealed class MopsColumn : IColumn
    {
        public string Id => "PerfKit.Mops";
        public string ColumnName => "Mops/s";
        public bool AlwaysShow => true;
        public ColumnCategory Category => ColumnCategory.Custom;
        public int PriorityInCategory => 0;
        public bool IsNumeric => true;
        public UnitType UnitType => UnitType.Dimensionless;
        public string Legend => "Million operations per second, all threads together (1000 / Mean in ns)";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) =>
            MeanNanoseconds(summary, benchmarkCase) is double mean and > 0
                ? (1000.0 / mean).ToString("N1", style.CultureInfo)
                : "NA";

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

        public bool IsAvailable(Summary summary) => true;
    }

    private sealed class VersusBaselineColumn : IColumn
    {
        public string Id => "PerfKit.VersusBaseline";
        public string ColumnName => "Throughput×";
        public bool AlwaysShow => true;
        public ColumnCategory Category => ColumnCategory.Custom;
        public int PriorityInCategory => 1;
        public bool IsNumeric => true;
        public UnitType UnitType => UnitType.Dimensionless;
        public string Legend => "Throughput relative to the baseline of the same group (baseline Mean / Mean)";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            BenchmarkCase? baseline = summary.GetBaseline(summary.GetLogicalGroupKey(benchmarkCase));
            return baseline is not null
                && MeanNanoseconds(summary, baseline) is double baseMean
                && MeanNanoseconds(summary, benchmarkCase) is double mean and > 0
                ? (baseMean / mean).ToString("N2", style.CultureInfo)
                : "NA";
        }

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

        public bool IsAvailable(Summary summary) => summary.HasBaselines();
    }
}
