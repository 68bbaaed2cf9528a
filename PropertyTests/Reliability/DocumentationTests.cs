namespace PerfKit.PropertyTests.Reliability;

/// <summary>The four libraries really generate their XML documentation (a property set in the wrong order would silently turn it off).</summary>
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
}
