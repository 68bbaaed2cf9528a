using System.Text.Json;
using System.Text.Json.Serialization;

namespace PerfKit.Bench.Results;

/// <summary>
/// The record of one run, kept beside its results as <c>run.json</c>: what was asked, on which machine, from which
/// commit, and how far it got. Written when the run starts and again after each step, so an interrupted run says so.
/// </summary>
public sealed record RunManifest
{
    /// <summary>The file name inside a run folder.</summary>
    public const string FileName = "run.json";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    /// <summary>The run's name: its folder's name (<c>yyyy-MM-dd_HHmmss</c>, UTC).</summary>
    public required string Run { get; init; }

    /// <summary>The arguments PerfKit.Bench was given (none for the default run).</summary>
    public required IReadOnlyList<string> Arguments { get; init; }

    /// <summary>The benchmark classes the run selected.</summary>
    public required IReadOnlyList<string> BenchmarkClasses { get; init; }

    /// <summary>The BenchmarkDotNet job: PerfKit's default job, or the job the arguments named.</summary>
    public required string Job { get; init; }

    /// <summary>Whether the run is the whole default run (no arguments): the only kind that can be published.</summary>
    public required bool DefaultRun { get; init; }

    /// <summary>The machine.</summary>
    public required MachineInfo Machine { get; init; }

    /// <summary>The commit the build came from (see <see cref="SourceRevision"/>).</summary>
    public required string Commit { get; init; }

    /// <summary>When the run started (UTC).</summary>
    public required DateTime StartedUtc { get; init; }

    /// <summary>When the run ended (UTC), or null while it runs or if it was interrupted.</summary>
    public DateTime? FinishedUtc { get; init; }

    /// <summary>The steps that finished (benchmarks, memory, overhead, hook-latency, hitrate, report), in order.</summary>
    public IReadOnlyList<string> StepsDone { get; init; } = [];

    /// <summary>The step that failed and why, or null.</summary>
    public string? Failure { get; init; }

    /// <summary>Whether every step ran and none failed.</summary>
    [JsonIgnore]
    public bool Complete => FinishedUtc is not null && Failure is null;

    /// <summary>Writes the manifest into <paramref name="runFolder"/>.</summary>
    public void Save(string runFolder)
    {
        Directory.CreateDirectory(runFolder);
        string path = Path.Combine(runFolder, FileName);
        File.WriteAllText(path + ".tmp", JsonSerializer.Serialize(this, Json));
        File.Move(path + ".tmp", path, overwrite: true); // a reader never sees half a manifest
    }

    /// <summary>Reads the manifest of <paramref name="runFolder"/>, or null if it has none.</summary>
    /// <exception cref="InvalidDataException">The manifest is not valid JSON of this shape.</exception>
    public static RunManifest? Load(string runFolder)
    {
        string path = Path.Combine(runFolder, FileName);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<RunManifest>(File.ReadAllText(path), Json) ?? throw new InvalidDataException($"{path} is empty.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not a run manifest: {e.Message}", e);
        }
    }

    /// <summary>This manifest with <paramref name="step"/> recorded as done.</summary>
    public RunManifest WithStepDone(string step) => this with { StepsDone = [.. StepsDone, step] };
}
