using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using PerfKit.Maps;

namespace PerfKit.Conformance;

/// <summary>The outcome of checking one map kind against the kernel.</summary>
/// <param name="Kind">The map kind.</param>
/// <param name="Identical">Whether every generated case agreed at every step.</param>
/// <param name="Cases">How many cases ran (before shrinking).</param>
/// <param name="Report">FsCheck's report: on a divergence, the shrunk case and the first divergence.</param>
/// <param name="Steps">Steps run over the generated cases (shrink candidates not counted).</param>
/// <param name="CasesThatEvicted">Generated cases in which the LRU evicted.</param>
/// <param name="KernelResults">The kernel's update and delete results over the generated cases, by errno.</param>
public sealed record ConformanceVerdict(KernelMapKind Kind, bool Identical, int Cases, string Report, long Steps, int CasesThatEvicted, ErrnoCounts KernelResults);

/// <summary>
/// Checks PerfKit against the running kernel with FsCheck: <see cref="ConformanceGenerators"/> draws cases,
/// <see cref="ConformanceRunner"/> runs each in both, and a divergent case is shrunk to a minimal one.
/// </summary>
public static class KernelConformance
{
    /// <summary>Checks <paramref name="cases"/> generated cases of <paramref name="kind"/>.</summary>
    /// <param name="kind">The map kind.</param>
    /// <param name="cases">How many cases to generate.</param>
    /// <param name="freeTarget">PerfKit's free-target policy (use <see cref="FreeTargetDetection.Detect"/>'s answer).</param>
    /// <param name="maxSteps">The longest operation sequence (FsCheck's size).</param>
    /// <param name="progress">Called with the number of cases run so far, and while shrinking with a negative count of shrinks.</param>
    public static ConformanceVerdict Check(KernelMapKind kind, int cases, FreeTargetPolicy freeTarget, int maxSteps = 100, Action<int>? progress = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(cases);
        var runner = new RecordingRunner(progress);
        long steps = 0;
        int evicted = 0;
        bool diverged = false; // from the first divergence on, FsCheck runs shrink candidates: not counted
        var results = new ErrnoCounts();
        Config config = Config.Quick
            .WithMaxTest(cases)
            .WithEndSize(maxSteps)
            .WithQuietOnSuccess(true)
            .WithRunner(runner);
        Property property = Prop.ForAll(ConformanceGenerators.Cases(kind, ConformanceRunner.Cpus.Count), c =>
        {
            ConformanceOutcome outcome = ConformanceRunner.RunCounted(c, freeTarget);
            if (!diverged)
            {
                steps += outcome.Steps;
                evicted += outcome.Evictions > 0 ? 1 : 0;
                results.AddAll(outcome.KernelResults);
            }

            if (outcome.Divergence is not null)
            {
                diverged = true;
                throw new ConformanceException(outcome.Divergence.ToString());
            }
        });
        FsCheck.Check.One(string.Create(CultureInfo.InvariantCulture, $"{kind} vs the kernel"), config, property);
        TestResult result = runner.Result ?? throw new InvalidOperationException("FsCheck finished without a result");
        return new ConformanceVerdict(kind, result.IsPassed, runner.Cases, Runner.onFinishedToString(kind.ToString(), result), steps, evicted, results);
    }

    private sealed class RecordingRunner(Action<int>? progress) : IRunner
    {
        private int _shrinks;

        public TestResult? Result { get; private set; }

        public int Cases { get; private set; }

        public void OnStartFixture(Type t)
        {
        }

        public void OnArguments(int ntest, Microsoft.FSharp.Collections.FSharpList<object> args, Microsoft.FSharp.Core.FSharpFunc<int, Microsoft.FSharp.Core.FSharpFunc<Microsoft.FSharp.Collections.FSharpList<object>, string>> every)
        {
            Cases = ntest + 1; // FsCheck counts from 0
            progress?.Invoke(Cases);
        }

        public void OnShrink(Microsoft.FSharp.Collections.FSharpList<object> args, Microsoft.FSharp.Core.FSharpFunc<Microsoft.FSharp.Collections.FSharpList<object>, string> everyShrink) =>
            progress?.Invoke(-++_shrinks);

        public void OnFinished(string name, TestResult testResult) => Result = testResult;
    }
}

/// <summary>The kernel and PerfKit disagreed; the message is the first <see cref="Divergence"/>.</summary>
public sealed class ConformanceException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ConformanceException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a cause.</summary>
    public ConformanceException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with no message.</summary>
    public ConformanceException()
    {
    }
}
