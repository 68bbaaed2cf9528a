namespace PerfKit.Diagnostics;

/// <summary>
/// The feature switch that removes the kit's instrumentation entirely: with
/// <c>&lt;RuntimeHostConfigurationOption Include="PerfKit.Diagnostics.IsSupported" Value="false" /&gt;</c> in a
/// project (or <c>AppContext.SetSwitch</c> before the kit is first used), no PerfKit event or per-call count is ever
/// raised, and the JIT drops the guards from the hot paths, as <c>EventSource.IsSupported</c> does for the runtime's
/// own events.
/// </summary>
/// <remarks>
/// The benchmark <c>DiagnosticsOverheadBenchmarks</c> uses it as its uninstrumented baseline: the same code, with
/// and without the guards, measured in the same run.
/// </remarks>
public static class PerfKitDiagnostics
{
    /// <summary>The AppContext switch name.</summary>
    public const string IsSupportedSwitch = "PerfKit.Diagnostics.IsSupported";

    /// <summary>
    /// Whether the instrumentation is compiled in (default true). Read once, when the kit's diagnostics are first
    /// touched; a static readonly field, so optimised code treats it as a constant.
    /// </summary>
    public static bool IsSupported { get; } = !AppContext.TryGetSwitch(IsSupportedSwitch, out bool on) || on;
}
