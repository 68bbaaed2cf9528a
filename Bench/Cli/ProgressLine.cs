using System.Globalization;

namespace PerfKit.Bench.Cli;

/// <summary>Progress of long work on one line: redrawn in place in a terminal, a line at every tenth otherwise (CI logs).</summary>
/// <param name="label">What is progressing.</param>
/// <param name="total">How many units make the whole.</param>
/// <param name="unit">The units' name, plural.</param>
public sealed class ProgressLine(string label, long total, string unit)
{
    private readonly bool _redraw = !Console.IsOutputRedirected;
    private long _lastTenth = -1;

    /// <summary>Shows <paramref name="done"/> of the total.</summary>
    public void Report(long done)
    {
        long tenth = total == 0 ? 10 : done * 10 / total;
        if (_redraw || tenth != _lastTenth)
        {
            _lastTenth = tenth;
            Write(string.Create(CultureInfo.InvariantCulture, $"{label} {done:N0}/{total:N0} {unit}"));
        }
    }

    /// <summary>Shows <paramref name="text"/> in the progress line's place.</summary>
    public void Write(string text)
    {
        if (_redraw)
        {
            Console.Write($"\r\x1b[K{text}");
        }
        else
        {
            Console.WriteLine(text);
        }
    }

    /// <summary>Clears the line in a terminal, so the next output starts clean.</summary>
    public void Done()
    {
        if (_redraw)
        {
            Console.Write("\r\x1b[K");
        }
    }
}
