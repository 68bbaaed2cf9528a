namespace PerfKit.PropertyTests.Bench;

/// <summary>
/// The four libraries really generate their XML documentation and really enforce it: a property set in the wrong
/// order, or a NoWarn of the missing-doc warning, would silently turn either off.
/// </summary>
public sealed class DocumentationTests
{
    public static TheoryData<string> Libraries => ["PerfKit.Core", "PerfKit.Maps", "PerfKit.Hooks", "PerfKit.Kernel"];

    [Theory]
    [MemberData(nameof(Libraries))]
    public void EachLibrary_HasItsXmlDocumentation(string library)
    {
        string xml = Path.Combine(AppContext.BaseDirectory, library + ".xml");
        Assert.True(File.Exists(xml), $"{xml} was not generated: GenerateDocumentationFile is off for {library}");
        string text = File.ReadAllText(xml);
        Assert.Contains($"<name>{library}</name>", text, StringComparison.Ordinal);
        Assert.Contains("<member name=\"T:", text, StringComparison.Ordinal);
    }

    [Fact]
    public void NoBuildFile_SilencesTheMissingDocWarning()
    {
        string root = BenchProcess.RepositoryRoot;
        var files = Directory.GetFiles(root, "*.csproj", SearchOption.AllDirectories)
            .Concat(Directory.GetFiles(root, "Directory.Build.*"))
            .Concat(Directory.GetFiles(root, ".editorconfig", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal));
        foreach (string file in files)
        {
            string text = File.ReadAllText(file);
            Assert.DoesNotContain("1591", text, StringComparison.Ordinal);
        }
    }
}
