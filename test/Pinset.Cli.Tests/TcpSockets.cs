using System.ComponentModel;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace Pinset.Cli.Tests;

/// <summary>
/// The established TCP sockets of a process as the kernel reports them through iproute2's <c>ss</c>
/// (<c>ss -tnoHp state established</c>): each socket's ports, its file descriptor in the process and its pending timer,
/// such as <c>timer:(keepalive,59sec,0)</c>, the keep-alive probe due in 59 seconds; and the keep-alive settings of one of
/// them, read from a copy of its descriptor.
/// </summary>
internal static partial class TcpSockets
{
    /// <summary>One socket: its local and peer ports, its descriptor in the process, and the timer the kernel has armed on it (null when none).</summary>
    public sealed record Entry(int LocalPort, int PeerPort, int Descriptor, string? Timer, TimeSpan? TimerDue, string Line);

    /// <summary>A socket's TCP keep-alive settings: SO_KEEPALIVE, and TCP_KEEPIDLE, TCP_KEEPINTVL (seconds) and TCP_KEEPCNT.</summary>
    public sealed record KeepAlive(bool Enabled, int IdleSeconds, int IntervalSeconds, int Probes);

    /// <summary>The established TCP sockets that process <paramref name="processId"/> holds.</summary>
    public static async Task<IReadOnlyList<Entry>> OfProcessAsync(int processId)
    {
        var (exit, output, error) = await ExternalTool.Named("ss").RunAsync(["-t", "-n", "-o", "-H", "-p", "state", "established"]);
        if (exit != 0)
        {
            throw new InvalidOperationException($"ss exited {exit}: {error}");
        }

        var owner = $"pid={processId.ToString(CultureInfo.InvariantCulture)},";
        return [.. output.Split('\n').Where(l => l.Contains(owner, StringComparison.Ordinal)).Select(Parse)];
    }

    /// <summary>
    /// The keep-alive settings of descriptor <paramref name="descriptor"/> of process <paramref name="processId"/>, read with
    /// getsockopt from a copy of it (pidfd_getfd, Linux 5.6: allowed to a process that may trace the other, such as its
    /// parent, or root). The copy is closed, never shut down: the socket itself is left as it was.
    /// </summary>
    public static KeepAlive KeepAliveOf(int processId, int descriptor)
    {
        int pidfd = Check(Syscall(PidfdOpen, processId, 0, 0), "pidfd_open");
        try
        {
            int copy = Check(Syscall(PidfdGetfd, pidfd, descriptor, 0), "pidfd_getfd");
            try
            {
                return new KeepAlive(Option(copy, SolSocket, SoKeepAlive) != 0, Option(copy, IpprotoTcp, TcpKeepIdle), Option(copy, IpprotoTcp, TcpKeepInterval), Option(copy, IpprotoTcp, TcpKeepCount));
            }
            finally
            {
                _ = Close(copy);
            }
        }
        finally
        {
            _ = Close(pidfd);
        }

        static int Option(int fd, int level, int name)
        {
            int length = sizeof(int);
            Check(GetSocketOption(fd, level, name, out int value, ref length), "getsockopt");
            return value;
        }

        static int Check(long result, string call) => result >= 0 ? (int)result : throw new Win32Exception(Marshal.GetLastPInvokeError(), $"{call} failed: {Marshal.GetLastPInvokeErrorMessage()}");
    }

    private static Entry Parse(string line)
    {
        // "0  0  127.0.0.1:41234 127.0.0.1:5555 users:(("dotnet",pid=123,fd=45)) timer:(keepalive,59sec,0)"
        var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var timer = Timer().Match(line);
        return new Entry(
            Port(fields[2]),
            Port(fields[3]),
            int.Parse(Descriptor().Match(line).Groups[1].Value, CultureInfo.InvariantCulture),
            timer.Success ? timer.Groups["name"].Value : null,
            timer.Success ? Due(timer.Groups["due"].Value) : null,
            line);

        static int Port(string endpoint) => int.Parse(endpoint[(endpoint.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture);
    }

    /// <summary>ss's time: "1min", "59sec", "1min5sec", "9.500ms" (9.5 seconds), "500ms".</summary>
    private static TimeSpan Due(string text)
    {
        var match = Duration().Match(text);
        if (!match.Success)
        {
            throw new FormatException($"ss printed the timer's time as '{text}', which is not the form it uses.");
        }

        int Group(string name) => match.Groups[name].Success ? int.Parse(match.Groups[name].Value, CultureInfo.InvariantCulture) : 0;
        return TimeSpan.FromMinutes(Group("min")) + TimeSpan.FromSeconds(Group("sec")) + TimeSpan.FromMilliseconds(Group("ms"));
    }

    [GeneratedRegex(@"fd=(\d+)\)")]
    private static partial Regex Descriptor();

    [GeneratedRegex(@"timer:\((?<name>\w+),(?<due>[^,]+),\d+\)")]
    private static partial Regex Timer();

    [GeneratedRegex(@"^(?:(?<min>\d+)min)?(?:(?<sec>\d+)(?:sec|\.))?(?:(?<ms>\d+)ms)?$")]
    private static partial Regex Duration();

    // Linux's numbers: the two pidfd calls are numbered alike on every architecture; the options are those of <sys/socket.h> and <netinet/tcp.h>.
    private const long PidfdOpen = 434;
    private const long PidfdGetfd = 438;
    private const int SolSocket = 1;
    private const int SoKeepAlive = 9;
    private const int IpprotoTcp = 6;
    private const int TcpKeepIdle = 4;
    private const int TcpKeepInterval = 5;
    private const int TcpKeepCount = 6;

    [DllImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static extern long Syscall(long number, long first, long second, long third);

    [DllImport("libc", EntryPoint = "getsockopt", SetLastError = true)]
    private static extern int GetSocketOption(int fd, int level, int name, out int value, ref int length);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int fd);
}
