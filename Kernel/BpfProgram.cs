using System.Text;
using PerfKit.Kernel.Interop;

namespace PerfKit.Kernel;

/// <summary>The outcome of one BPF_PROG_TEST_RUN.</summary>
/// <param name="ReturnValue">The program's return value (of the last run).</param>
/// <param name="AverageNanoseconds">The kernel's average time per run, in nanoseconds.</param>
/// <param name="DataSizeOut">Bytes of packet data copied back.</param>
public readonly record struct BpfTestRunResult(uint ReturnValue, uint AverageNanoseconds, int DataSizeOut);

/// <summary>A BPF program loaded into the running kernel (BPF_PROG_LOAD), runnable with <see cref="TestRun"/>.</summary>
public sealed unsafe class BpfProgram : IDisposable
{
    /// <summary>The verifier log buffer used to explain a refused load.</summary>
    public const int VerifierLogBytes = 1 << 20;

    private readonly KernelFileDescriptor _fd;

    private BpfProgram(KernelFileDescriptor fd, BpfProgramType type)
    {
        _fd = fd;
        Type = type;
    }

    /// <summary>The program type.</summary>
    public BpfProgramType Type { get; }

    /// <summary>The program's file descriptor.</summary>
    public KernelFileDescriptor Handle => _fd;

    /// <summary>Loads <paramref name="builder"/>'s instructions, holding the maps it refers to open until the kernel has them.</summary>
    /// <exception cref="ObjectDisposedException">A map the program refers to was disposed before the load.</exception>
    /// <inheritdoc cref="Load(BpfProgramType, ReadOnlySpan{BpfInstruction}, uint, string)"/>
    public static BpfProgram Load(BpfProgramType type, BpfProgramBuilder builder, uint expectedAttachType = 0, string name = "perfkit")
    {
        ArgumentNullException.ThrowIfNull(builder);
        BpfInstruction[] instructions = builder.Build();
        var held = new List<KernelFileDescriptor>();
        try
        {
            foreach (KernelFileDescriptor map in builder.Maps)
            {
                // The instructions carry each map's descriptor number: it must still name that map when the kernel reads it.
                bool added = false;
                map.DangerousAddRef(ref added);
                held.Add(map);
            }

            return Load(type, instructions, expectedAttachType, name);
        }
        finally
        {
            held.ForEach(m => m.DangerousRelease());
        }
    }

    /// <summary>
    /// Loads a program (license "GPL", needed for most helpers). When the verifier refuses it, loads it again
    /// with the verifier log on and puts the log in the exception.
    /// </summary>
    /// <param name="type">The program type.</param>
    /// <param name="instructions">The instructions.</param>
    /// <param name="expectedAttachType">The attach type a cgroup program is loaded for (0 for XDP).</param>
    /// <param name="name">A name shown by bpftool.</param>
    /// <exception cref="BpfException">The kernel refused the program; <see cref="BpfException.VerifierLog"/> says why.</exception>
    public static BpfProgram Load(BpfProgramType type, ReadOnlySpan<BpfInstruction> instructions, uint expectedAttachType = 0, string name = "perfkit")
    {
        ArgumentNullException.ThrowIfNull(name);
        long fd = LoadOnce(type, instructions, expectedAttachType, name, null, out Errno errno);
        if (fd >= 0)
        {
            return new BpfProgram(new KernelFileDescriptor((int)fd), type);
        }

        string operation = $"BPF_PROG_LOAD ({type}, {instructions.Length} instructions)";
        if (errno is not (Errno.EACCES or Errno.EINVAL or Errno.E2BIG or Errno.ENOSPC))
        {
            throw new BpfException(operation, errno); // not the verifier's refusal: no log to collect
        }

        byte[] log = new byte[VerifierLogBytes];
        long again = LoadOnce(type, instructions, expectedAttachType, name, log, out Errno logged);
        if (again >= 0)
        {
            // Loaded with the log on but not without it: keep it, the caller asked for this program.
            return new BpfProgram(new KernelFileDescriptor((int)again), type);
        }

        int length = Array.IndexOf(log, (byte)0);
        string text = Encoding.UTF8.GetString(log, 0, length < 0 ? log.Length : length);
        throw new BpfException(operation, logged, text.Length > 0 ? text : "(the verifier wrote no log)");
    }

    /// <summary>
    /// Runs the program <paramref name="repeat"/> times on the calling thread's CPU (BPF_PROG_TEST_RUN), with
    /// <paramref name="dataIn"/> as the packet; for XDP at least 14 bytes. The packet as the program left it is
    /// copied into <paramref name="dataOut"/> when one is given.
    /// </summary>
    /// <exception cref="BpfException">
    /// The kernel refused the run, or a signal interrupted it between repetitions (EINTR, only with
    /// <paramref name="repeat"/> &gt; 1): the runs already made may have changed maps, so it is not started again.
    /// </exception>
    public BpfTestRunResult TestRun(ReadOnlySpan<byte> dataIn, Span<byte> dataOut = default, int repeat = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(repeat);
        using var fd = new HandleLease(_fd);
        fixed (byte* input = dataIn)
        fixed (byte* output = dataOut)
        {
            var attr = new BpfSyscall.TestRunAttr
            {
                ProgFd = (uint)fd.Value,
                DataSizeIn = (uint)dataIn.Length,
                DataIn = (ulong)input,
                DataSizeOut = (uint)dataOut.Length,
                DataOut = (ulong)output,
                Repeat = (uint)repeat,
            };
            return BpfSyscall.Invoke(BpfSyscall.ProgTestRun, ref attr, out Errno errno) >= 0
                ? new BpfTestRunResult(attr.Retval, attr.Duration, (int)attr.DataSizeOut)
                : throw new BpfException($"BPF_PROG_TEST_RUN ({Type}, {dataIn.Length} bytes, repeat {repeat})", errno);
        }
    }

    /// <summary>Unloads the program (once nothing else holds it, e.g. an attachment).</summary>
    public void Dispose() => _fd.Dispose();

    private static long LoadOnce(BpfProgramType type, ReadOnlySpan<BpfInstruction> instructions, uint expectedAttachType, string name, byte[]? log, out Errno errno)
    {
        ReadOnlySpan<byte> license = "GPL\0"u8;
        fixed (BpfInstruction* insns = instructions)
        fixed (byte* licensePointer = license)
        fixed (byte* logPointer = log)
        {
            var attr = new BpfSyscall.ProgLoadAttr
            {
                ProgType = (uint)type,
                InsnCount = (uint)instructions.Length,
                Insns = (ulong)insns,
                License = (ulong)licensePointer,
                LogLevel = log is null ? 0u : 1u,
                LogSize = log is null ? 0u : (uint)log.Length,
                LogBuf = (ulong)logPointer,
                Name = BpfSyscall.MapName.From(name),
                ExpectedAttachType = expectedAttachType,
            };
            return BpfSyscall.Invoke(BpfSyscall.ProgLoad, ref attr, out errno);
        }
    }
}
