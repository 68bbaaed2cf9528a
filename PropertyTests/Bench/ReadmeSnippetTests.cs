using System.Text.RegularExpressions;

namespace PerfKit.PropertyTests.Bench;

/// <summary>
/// The C# blocks of README.md and PACKAGE.md are the samples project's code: each block's body is one of its
/// <c>// &lt;readme:name&gt;</c> regions and its <c>using</c> lines are that file's, and the samples run and check
/// their results. So the docs cannot drift from the API.
/// </summary>
public sealed partial class ReadmeSnippetTests
{
    public static TheoryData<string> Documents => ["README.md", "PACKAGE.md"];

    [Theory]
    [MemberData(nameof(Documents))]
    public void EveryCSharpBlock_IsASampleRegion(string document)
    {
        string text = File.ReadAllText(Path.Combine(BenchProcess.RepositoryRoot, document));
        var samples = Directory.GetFiles(Path.Combine(BenchProcess.RepositoryRoot, "Samples"), "*.cs")
            .Select(file => (Source: File.ReadAllText(file), Regions: Region().Matches(File.ReadAllText(file)).Select(m => Normalise(m.Groups[2].Value)).ToList()))
            .ToList();
        Assert.DoesNotMatch(OtherCSharpFence(), text); // a block under another fence name would go unchecked
        MatchCollection blocks = CSharpBlock().Matches(text);
        Assert.NotEmpty(blocks);
        foreach (Match block in blocks)
        {
            string[] lines = block.Groups[1].Value.Split('\n');
            string[] usings = [.. lines.TakeWhile(l => l.StartsWith("using ", StringComparison.Ordinal))];
            string body = Normalise(string.Join('\n', lines.Skip(usings.Length)));
            var home = samples.FirstOrDefault(s => s.Regions.Contains(body));
            Assert.True(home.Source is not null, $"{document}: this block is not a region of Samples/*.cs:\n{body}");
            foreach (string directive in usings)
            {
                Assert.Contains(directive, home.Source.Split('\n').Select(l => l.Trim()));
            }
        }
    }

    [Fact]
    public void EverySampleWithARegion_IsRunByTheProgram()
    {
        string samples = Path.Combine(BenchProcess.RepositoryRoot, "Samples");
        string program = File.ReadAllText(Path.Combine(samples, "Program.cs"));
        foreach (string file in Directory.GetFiles(samples, "*.cs").Where(f => File.ReadAllText(f).Contains("// <readme:", StringComparison.Ordinal)))
        {
            Assert.Contains($"{Path.GetFileNameWithoutExtension(file)}.Run();", program, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void TheSamples_RunAndCheckTheirResults()
    {
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string samples = Path.Combine(BenchProcess.RepositoryRoot, "Samples", "bin", here.Parent!.Name, here.Name, "PerfKit.Samples");
        (int exitCode, string stdout, string stderr) = BenchProcess.Run([], executable: samples);
        Assert.True(exitCode == 0, stdout + stderr);
        Assert.Contains("samples: all ran", stdout, StringComparison.Ordinal);
    }

    // Dedented, trailing blanks dropped, no leading or trailing empty lines.
    private static string Normalise(string code)
    {
        string[] lines = [.. code.Replace("\r", string.Empty, StringComparison.Ordinal).Split('\n').Select(l => l.TrimEnd())];
        int indent = lines.Where(l => l.Length > 0).Select(l => l.Length - l.TrimStart().Length).DefaultIfEmpty(0).Min();
        return string.Join('\n', lines.Select(l => l.Length >= indent ? l[indent..] : l)).Trim('\n');
    }

    [GeneratedRegex(@"```csharp\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();

    [GeneratedRegex(@"^```(cs|c#|C#|CSharp)\s*$", RegexOptions.Multiline)]
    private static partial Regex OtherCSharpFence();

    [GeneratedRegex(@"// <readme:([a-z-]+)>\n(.*?)\n[ \t]*// </readme:\1>", RegexOptions.Singleline)]
    private static partial Regex Region();
}
