using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Exporters.Csv;
using BenchmarkDotNet.Exporters.Json;
using BenchmarkDotNet.Filters;
using BenchmarkDotNet.Jobs;
using PerfKit.Bench.Kernel;
using PerfKit.Kernel;

namespace PerfKit.Bench;

/// <summary>The configuration every PerfKit run starts from.</summary>
public static class BenchConfig
{
    /// <summary>
    /// BenchmarkDotNet's defaults with GitHub-markdown, CSV and JSON exporters. Unless the command line names a job, one job
    /// sized for a shared 2-core machine: 1 launch, 3 warm-up and 10 measured iterations of about 250 ms.
    /// </summary>
    /// <param name="artifactsPath">Where BenchmarkDotNet writes results, or null to leave it to the command line.</param>
    /// <param name="addDefaultJob">False when the command line names its own job.</param>
    public static IConfig Create(string? artifactsPath, bool addDefaultJob)
    {
        // The default config, less its HTML exporter (the markdown says the same), plus JSON.
        IConfig defaults = DefaultConfig.Instance;
        ManualConfig config = ManualConfig.CreateEmpty()
            .AddColumnProvider(defaults.GetColumnProviders().ToArray())
            .AddLogger(defaults.GetLoggers().ToArray())
            .AddAnalyser(defaults.GetAnalysers().ToArray())
            .AddValidator(defaults.GetValidators().ToArray())
            .AddExporter(MarkdownExporter.GitHub, CsvExporter.Default, JsonExporter.Full)
            .WithOptions(ConfigOptions.DisableLogFile);
        KernelAvailability kernel = KernelAvailability.Current;
        if (!kernel.IsAvailable)
        {
            // The kernel rows need bpf(2); elsewhere they are left out, and the run says so.
            Console.WriteLine($"kernel rows not run: {kernel.Reason}");
            config = config.AddFilter(new SimpleFilter(b => !b.Descriptor.Categories.Contains(KernelRow.Category)));
        }

        if (artifactsPath is not null)
        {
            config = config.WithArtifactsPath(artifactsPath);
        }

        if (addDefaultJob)
        {
            config = config.AddJob(Job.Default
                .WithLaunchCount(1)
                .WithWarmupCount(3)
                .WithIterationCount(10)
                .WithIterationTime(Perfolizer.Horology.TimeInterval.FromMilliseconds(250))
                .WithId("PerfKit"));
        }

        return config;
    }
}
