using System.Globalization;

namespace PerfKit.Bench.Results;

/// <summary>One benchmark case of one run: its class, method and parameters, its mean and 99.9 % confidence interval, and its allocations.</summary>
/// <param name="Type">The benchmark class's name.</param>
/// <param name="Method">The benchmark method's name.</param>
/// <param name="Parameters">Parameter name to value, as BenchmarkDotNet prints them.</param>
/// <param name="MeanNs">Mean time per operation, nanoseconds.</param>
/// <param name="LowerNs">Lower end of BenchmarkDotNet's confidence interval of the mean.</param>
/// <param name="UpperNs">Upper end of that interval.</param>
/// <param name="BytesPerOp">Bytes allocated per operation.</param>
public sealed record BenchmarkResult(string Type, string Method, IReadOnlyDictionary<string, string> Parameters, double MeanNs, double LowerNs, double UpperNs, long BytesPerOp)
{
    /// <summary>Whether every given parameter matches.</summary>
    public bool Has(params (string Name, string Value)[] parameters) =>
        parameters.All(p => Parameters.TryGetValue(p.Name, out string? v) && v == p.Value);

    /// <summary>The mean of the case of <paramref name="type"/>.<paramref name="method"/> with <paramref name="parameters"/> in <paramref name="results"/>, or null.</summary>
    public static BenchmarkResult? Find(IReadOnlyList<BenchmarkResult> results, Type type, string method, params (string Name, string Value)[] parameters) =>
        results.FirstOrDefault(r => r.Type == type.Name && r.Method == method && r.Has(parameters));

    /// <summary>Formats nanoseconds.</summary>
    public static string Ns(double ns) => ns.ToString(ns < 10 ? "F2" : "F1", CultureInfo.InvariantCulture) + " ns";
}
