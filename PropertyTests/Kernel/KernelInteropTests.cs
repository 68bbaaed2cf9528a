using PerfKit.Kernel;

namespace PerfKit.PropertyTests.Kernel;

/// <summary>PerfKit.Kernel against the running kernel: map commands and their errnos, program loads, test runs, CPU pinning, handles.</summary>
[Collection(LiveKernelTests.Name)]
public sealed class KernelInteropTests
{
    [Fact]
    public void HashMap_Commands_ReturnTheKernelsErrnos()
    {
        LiveKernel.Require();
        using var map = BpfMap.Create(BpfMapType.Hash, sizeof(ulong), sizeof(ulong), 2);
        Assert.Equal(Errno.None, map.Update(1UL, 10UL));
        Assert.Equal(Errno.EEXIST, map.Update(1UL, 11UL, BpfUpdateFlags.NoExist));
        Assert.Equal(Errno.ENOENT, map.Update(2UL, 20UL, BpfUpdateFlags.Exist));
        Assert.Equal(Errno.EINVAL, map.Update(2UL, 20UL, (BpfUpdateFlags)3));
        Assert.Equal(Errno.None, map.Update(2UL, 20UL, BpfUpdateFlags.NoExist));
        Assert.Equal(Errno.E2BIG, map.Update(3UL, 30UL));
        Assert.Equal(Errno.None, map.Update(1UL, 12UL, BpfUpdateFlags.Exist)); // an existing key updates in a full map
        Assert.Equal(Errno.None, map.Lookup(1UL, out ulong value));
        Assert.Equal(12UL, value);
        Assert.Equal([1UL, 2UL], map.Keys<ulong>().Order());
        Assert.Equal(Errno.None, map.LookupAndDelete(2UL, out value));
        Assert.Equal(20UL, value);
        Assert.Equal(Errno.ENOENT, map.Lookup(2UL, out ulong _));
        Assert.Equal(Errno.ENOENT, map.Delete(2UL));
        Assert.Equal(Errno.None, map.Delete(1UL));
        Assert.Equal(Errno.ENOENT, map.GetNextKey<ulong>(null, out _));
    }

    [Fact]
    public void LruMap_ProgramLookup_SeesWhatTheSyscallWrote()
    {
        LiveKernel.Require();
        using var map = BpfMap.Create(BpfMapType.LruHash, sizeof(ulong), sizeof(ulong), 16);
        using var lookup = new BpfProgramLookup(map);
        Assert.Equal(Errno.None, map.Update(7UL, 0xDEAD_BEEF_0000_0001UL));
        Assert.True(lookup.TryLookup(7UL, out ulong value));
        Assert.Equal(0xDEAD_BEEF_0000_0001UL, value);
        Assert.False(lookup.TryLookup(8UL, out value));
        Assert.Equal(0UL, value);
    }

    [Fact]
    public void KeyAndValueSizes_AreChecked_BeforeTheKernelIsCalled()
    {
        LiveKernel.Require();
        using var map = BpfMap.Create(BpfMapType.Hash, sizeof(ulong), sizeof(ulong), 2);
        Assert.Throws<ArgumentException>(() => map.Update(1, 1UL));
        Assert.Throws<ArgumentException>(() => map.Lookup(1UL, out int _));
    }

    [Fact]
    public void MapCreate_Refused_NamesTheErrno()
    {
        LiveKernel.Require();
        // An LRU map cannot be created without preallocation: the kernel refuses BPF_F_NO_PREALLOC (1) with its
        // internal ENOTSUPP (524), which reaches user space as is.
        BpfException e = Assert.Throws<BpfException>(() => BpfMap.Create(BpfMapType.LruHash, 8, 8, 4, (BpfMapFlags)1));
        Assert.Equal(Errno.ENOTSUPP, e.Errno);
        Assert.Contains("ENOTSUPP", e.Message, StringComparison.Ordinal);
        Assert.Contains("BPF_MAP_CREATE", e.Message, StringComparison.Ordinal);
        // A flag bit no map type knows: EINVAL.
        Assert.Equal(Errno.EINVAL, Assert.Throws<BpfException>(() => BpfMap.Create(BpfMapType.Hash, 8, 8, 4, (BpfMapFlags)0x8000_0000)).Errno);
    }

    [Fact]
    public void ProgramLoad_Refused_CarriesTheVerifierLog()
    {
        LiveKernel.Require();
        // Returns r0 without ever writing it: the verifier refuses with "R0 !read_ok".
        var builder = new BpfProgramBuilder().Exit();
        BpfException e = Assert.Throws<BpfException>(() => BpfProgram.Load(BpfProgramType.Xdp, builder));
        Assert.Equal(Errno.EACCES, e.Errno);
        Assert.NotNull(e.VerifierLog);
        Assert.Contains("R0 !read_ok", e.VerifierLog, StringComparison.Ordinal);
        Assert.Contains("R0 !read_ok", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TestRun_ReturnsTheProgramsValue_AndATime()
    {
        LiveKernel.Require();
        BpfLabel loop = default, done = default;
        var builder = new BpfProgramBuilder();
        loop = builder.DefineLabel();
        done = builder.DefineLabel();
        // r0 = 0; for (r1 = 0; r1 < 100; r1++) r0 += 3; return r0 (a bounded loop, jumps both ways)
        builder.Move(BpfRegister.R0, 0).Move(BpfRegister.R1, 0)
            .Mark(loop).JumpIf(BpfJumpCondition.GreaterOrEqual, BpfRegister.R1, 100, done)
            .Add(BpfRegister.R0, 3).Add(BpfRegister.R1, 1).Goto(loop)
            .Mark(done).Exit();
        using BpfProgram program = BpfProgram.Load(BpfProgramType.Xdp, builder);
        BpfTestRunResult result = program.TestRun(new byte[64], repeat: 1000);
        Assert.Equal(300u, result.ReturnValue);
        Assert.True(result.AverageNanoseconds > 0);
    }

    [Fact]
    public void CpuAffinity_Pin_MovesTheThread_AndRestores()
    {
        LiveKernel.Require();
        // On the test thread: each pin restores the thread's previous affinity when disposed.
        foreach (int cpu in KernelCpus.Online)
        {
            using (CpuAffinity.Pin(cpu))
            {
                for (int i = 0; i < 100; i++)
                {
                    Assert.Equal(cpu, CpuAffinity.CurrentCpu);
                    Thread.Yield();
                }
            }
        }

        // Restored: with every online CPU allowed again, pinning elsewhere still works.
        using AffinityScope again = CpuAffinity.Pin(KernelCpus.Online[^1]);
        Assert.Equal(KernelCpus.Online[^1], CpuAffinity.CurrentCpu);
    }

    [Fact]
    public void Handles_AreClosed_ByDispose_AndByTheFinalizer()
    {
        LiveKernel.Require();
        int before = OpenDescriptors();
        using (var probe = BpfMap.Create(BpfMapType.Hash, sizeof(ulong), sizeof(ulong), 4))
        {
            Assert.Equal(before + 1, OpenDescriptors()); // the count sees PerfKit's descriptors
        }

        for (int i = 0; i < 50; i++)
        {
            using var map = BpfMap.Create(BpfMapType.LruHash, sizeof(ulong), sizeof(ulong), 8);
            using var lookup = new BpfProgramLookup(map);
            _ = lookup.TryLookup(1UL, out ulong _);
            Assert.Throws<BpfException>(() => BpfProgram.Load(BpfProgramType.Xdp, new BpfProgramBuilder().Exit()));
        }

        Assert.Equal(before, OpenDescriptors());
        LeakMaps(50);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        Assert.Equal(before, OpenDescriptors());
    }

    [Fact]
    public void Probe_SaysWhatWorks()
    {
        LiveKernel.Require();
        Assert.Contains("bpf(2) works", KernelAvailability.Current.Reason, StringComparison.Ordinal);
        Assert.Equal(KernelCpus.Possible.Count, KernelCpus.PossibleCount);
    }

    [Theory]
    [InlineData("0", new[] { 0 })]
    [InlineData("0-1\n", new[] { 0, 1 })]
    [InlineData("0-3,8,10-11", new[] { 0, 1, 2, 3, 8, 10, 11 })]
    public void CpuList_Parses(string text, int[] expected) => Assert.Equal(expected, KernelCpus.ParseList(text));

    [Theory]
    [InlineData("")]
    [InlineData("3-1")]
    [InlineData("a")]
    [InlineData("1-2-3")]
    public void CpuList_Malformed_IsRefused(string text) => Assert.Throws<FormatException>(() => KernelCpus.ParseList(text));

    [Fact]
    public void ErrnoNames_NameKnownAndUnknownValues()
    {
        Assert.Equal("ENOENT", ErrnoNames.NameOf(Errno.ENOENT));
        Assert.Equal("errno 200", ErrnoNames.NameOf((Errno)200));
    }

    [Fact]
    public void Builder_EncodesJumpsFromTheNextInstruction_AndWideLoadsAsTwoSlots()
    {
        var b = new BpfProgramBuilder();
        BpfLabel end = b.DefineLabel();
        BpfInstruction[] code = b.JumpIf(BpfJumpCondition.Equal, BpfRegister.R1, 0, end)
            .LoadImmediate64(BpfRegister.R2, 0x1_0000_0002)
            .Mark(end).Move(BpfRegister.R0, 0).Exit().Build();
        Assert.Equal(5, code.Length);
        Assert.Equal(2, code[0].Offset); // over both slots of the 64-bit load
        Assert.Equal(0x15, code[0].Opcode);
        Assert.Equal((0x18, 2, 0), (code[1].Opcode, code[1].Immediate, (int)code[1].Source));
        Assert.Equal((0, 1), (code[2].Opcode, code[2].Immediate));
        Assert.Throws<InvalidOperationException>(() => new BpfProgramBuilder().Goto(new BpfProgramBuilder().DefineLabel()).Build());
    }

    private static void LeakMaps(int count)
    {
        for (int i = 0; i < count; i++)
        {
            _ = BpfMap.Create(BpfMapType.Hash, sizeof(ulong), sizeof(ulong), 4);
        }
    }

    // The process's BPF map and program descriptors ("anon_inode:bpf-map", "anon_inode:bpf-prog"): other descriptors
    // come and go with the runtime and other tests, these only with PerfKit.Kernel.
    private static int OpenDescriptors() => Directory.GetFiles("/proc/self/fd")
        .Count(fd => new FileInfo(fd).LinkTarget is { } target && target.StartsWith("anon_inode:bpf", StringComparison.Ordinal));
}
