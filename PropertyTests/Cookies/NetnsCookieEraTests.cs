using PerfKit.Cookies;

namespace PerfKit.PropertyTests.Cookies;

/// <summary>Each kernel era's netns numbering: init_net's cookie, then how the next ones are drawn (on which CPU).</summary>
public sealed class NetnsCookieEraTests
{
    [Theory]
    [InlineData(NetnsCookieEra.SharedCounter, new ulong[] { 1, 2, 3, 4 })]
    [InlineData(NetnsCookieEra.PerCpuBatches, new ulong[] { 1, 2, 4097, 3 })]
    [InlineData(NetnsCookieEra.NamespaceIdBatches, new ulong[] { 3, 4, 4099, 5 })]
    [InlineData(NetnsCookieEra.NamespaceIdCounter, new ulong[] { 7, 10, 11, 12 })]
    public void Era_NumbersInitNet_ThenDrawsAsThatKernelDid(NetnsCookieEra era, ulong[] expected)
    {
        // init_net and one more on CPU 0, one on CPU 1, one more on CPU 0.
        ICookieGenerator generator = NetnsCookieGenerators.Create(era, possibleCpus: 2);
        int[] cpus = [0, 0, 1, 0];
        ulong[] drawn = [.. cpus.Select(cpu =>
        {
            using CpuPin pin = Cpu.Pin(cpu);
            return generator.NextCookie();
        })];
        Assert.Equal(expected, drawn);
        Assert.Equal(expected[0], NetnsCookieGenerators.InitialCookie(era));
    }

    [Fact]
    public void TheDefault_IsTheEraOfTheKernelsPerfKitRunsOn()
    {
        Assert.Equal(NetnsCookieEra.NamespaceIdBatches, NetnsCookieGenerators.Default);
        Assert.Equal(3UL, new PerfKit.Hooks.NetworkHost().InitialNamespace.Cookie);
    }
}
