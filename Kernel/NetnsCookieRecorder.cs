using System.Runtime.InteropServices;

namespace PerfKit.Kernel;

/// <summary>What the recording hook saw for one socket: <c>bpf_get_netns_cookie(ctx)</c> and <c>bpf_get_netns_cookie(NULL)</c>.</summary>
/// <param name="InitialNetns">The initial network namespace's cookie (the helper given NULL).</param>
/// <param name="SocketNetns">The cookie of the namespace the socket belongs to (the helper given the hook's context).</param>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct NetnsCookieRecord(ulong InitialNetns, ulong SocketNetns)
{
    /// <summary>Whether the socket is in the initial (host) namespace: the test Cilium's hooks make.</summary>
    public bool InHost => InitialNetns == SocketNetns;
}

/// <summary>
/// The seed commit's helper in a real hook: a <see cref="BpfProgramType.CgroupSockAddr"/> program that, on every
/// connect (or sendmsg) it is attached to, records <c>bpf_get_netns_cookie(ctx)</c> and <c>bpf_get_netns_cookie(NULL)</c>
/// under the socket's cookie (<c>bpf_get_socket_cookie(ctx)</c>) and lets the call proceed.
/// </summary>
public sealed class NetnsCookieRecorder : IDisposable
{
    private NetnsCookieRecorder(BpfMap records, BpfProgram program, BpfAttachType hook)
    {
        Records = records;
        Program = program;
        Hook = hook;
    }

    /// <summary>The records, socket cookie → <see cref="NetnsCookieRecord"/>.</summary>
    public BpfMap Records { get; }

    /// <summary>The loaded program.</summary>
    public BpfProgram Program { get; }

    /// <summary>The hook the program is loaded for.</summary>
    public BpfAttachType Hook { get; }

    /// <summary>Builds and loads the recording program for <paramref name="hook"/>, with room for <paramref name="sockets"/> records.</summary>
    /// <exception cref="BpfException">The kernel refused the map or the program (the verifier's log is in the exception).</exception>
    public static NetnsCookieRecorder Load(BpfAttachType hook, int sockets = 1024)
    {
        var records = BpfMap.Create(BpfMapType.Hash, sizeof(ulong), 2 * sizeof(ulong), sockets, name: "perfkit_netns");
        try
        {
            // r6 = ctx; [r10-16] = netns(NULL); [r10-8] = netns(ctx); [r10-24] = socket cookie; update(records, key, value).
            var builder = new BpfProgramBuilder()
                .Move(BpfRegister.R6, BpfRegister.R1)
                .Move(BpfRegister.R1, 0)
                .Call(BpfHelper.GetNetnsCookie)
                .Store(BpfSize.DoubleWord, BpfRegister.R10, -16, BpfRegister.R0)
                .Move(BpfRegister.R1, BpfRegister.R6)
                .Call(BpfHelper.GetNetnsCookie)
                .Store(BpfSize.DoubleWord, BpfRegister.R10, -8, BpfRegister.R0)
                .Move(BpfRegister.R1, BpfRegister.R6)
                .Call(BpfHelper.GetSocketCookie)
                .Store(BpfSize.DoubleWord, BpfRegister.R10, -24, BpfRegister.R0)
                .LoadMap(BpfRegister.R1, records)
                .Move(BpfRegister.R2, BpfRegister.R10)
                .Add(BpfRegister.R2, -24)
                .Move(BpfRegister.R3, BpfRegister.R10)
                .Add(BpfRegister.R3, -16)
                .Move(BpfRegister.R4, 0)
                .Call(BpfHelper.MapUpdateElem)
                .Move(BpfRegister.R0, 1) // 1: let the call proceed
                .Exit();
            return new NetnsCookieRecorder(records, BpfProgram.Load(BpfProgramType.CgroupSockAddr, builder, (uint)hook, "perfkit_netns"), hook);
        }
        catch
        {
            records.Dispose();
            throw;
        }
    }

    /// <summary>What the hook recorded for the socket whose cookie is <paramref name="socketCookie"/>, or null.</summary>
    public NetnsCookieRecord? Find(ulong socketCookie) =>
        Records.Lookup(socketCookie, out NetnsCookieRecord record) == Errno.None ? record : null;

    /// <summary>Closes the program and the map (detach first: dispose the <see cref="Cgroup"/>).</summary>
    public void Dispose()
    {
        Program.Dispose();
        Records.Dispose();
    }
}
