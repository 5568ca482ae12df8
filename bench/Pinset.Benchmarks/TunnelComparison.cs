using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Pinset.TestSupport;
using static Pinset.Benchmarks.Quantiles;

namespace Pinset.Benchmarks;

/// <summary>
/// <c>tunnel [--quick]</c>: <c>pinset tunnel</c> side by side with Debian's stunnel4 in one run, on loopback, both in
/// client mode in front of the same TLS server (SslStream, in this process, EC P-256 chain) and both validating the
/// chain to the same private root and the host name (stunnel: <c>verifyChain</c>, <c>checkHost</c>; pinset: the
/// platform's validation, then the pins). The client, in this process, speaks plain TCP to each tunnel. Measured, the
/// tunnels taking turns in every round: bulk throughput each way (the client uploads N bytes, the server answers with
/// the count; or the server sends N bytes), the round trip of a 64-byte message on a held session (and of a direct TLS
/// session without any tunnel, so that each tunnel's added latency is its round trip minus the direct one), and 200
/// sessions opened at once and held (time to open them all with a first round trip, a round trip on each while all are
/// held, the tunnel's resident memory). The pinset tunnel is the tool as built (<c>dotnet Pinset.Cli.dll</c>, Release).
/// </summary>
internal static class TunnelComparison
{
    private const int MessageSize = 64;
    private const int Sessions = 200;
    private static readonly ExternalTool Dotnet = new(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", "the .NET SDK");
    private static readonly ExternalTool Stunnel = ExternalTool.Named("stunnel4");

    public static async Task<int> RunAsync(bool quick)
    {
        int rounds = quick ? 3 : 10;
        long bulk = (quick ? 64L : 256L) << 20;
        int trips = quick ? 500 : 2000;
        using var pki = new TestPki();
        using var dir = new TempDirectory();
        await using var server = new BenchServer(pki);
        var root = dir.File("root.pem");
        await File.WriteAllTextAsync(root, pki.Root.Certificate.ExportCertificatePem() + "\n");
        var policy = dir.File("policy.json");
        await File.WriteAllTextAsync(policy, $$$"""{"pinning": {"policies": [{"hosts": ["{{{TestPki.DefaultHost}}}"], "pins": ["{{{pki.Intermediate.Pin}}}", "{{{TestPki.BackupPin}}}"]}]}}""");

        int stunnelPort = Loopback.FreePort();
        var config = dir.File("stunnel.conf");
        await File.WriteAllTextAsync(config, string.Join('\n',
            "foreground = yes", "pid =", "debug = 5", "socket = l:TCP_NODELAY=1", "socket = r:TCP_NODELAY=1", "[pinned]", "client = yes",
            $"accept = 127.0.0.1:{stunnelPort}", $"connect = 127.0.0.1:{server.Port}", $"CAfile = {root}", "verifyChain = yes",
            $"checkHost = {TestPki.DefaultHost}", $"sni = {TestPki.DefaultHost}", string.Empty));
        await using var stunnel = await ToolServerProcess.StartAsync(Stunnel, [config], line => line.Contains("Configuration successful", StringComparison.Ordinal), cleanupDirectory: null);

        int pinsetPort = Loopback.FreePort();
        await using var pinset = await ToolServerProcess.StartAsync(
            Dotnet,
            [Path.Combine(AppContext.BaseDirectory, "Pinset.Cli.dll"), "tunnel", "--listen", $"127.0.0.1:{pinsetPort}", "--to", $"{TestPki.DefaultHost}:{server.Port}", "--resolve", $"{TestPki.DefaultHost}:{server.Port}:127.0.0.1", "--ca-file", root, "--policy", policy],
            line => line.Contains("Listening on", StringComparison.Ordinal));

        var tunnels = new (string Name, int Port, ToolServerProcess Process)[] { ("stunnel4", stunnelPort, stunnel), ("pinset tunnel", pinsetPort, pinset) };
        var upload = tunnels.Select(_ => new List<double>()).ToArray();
        var download = tunnels.Select(_ => new List<double>()).ToArray();
        var rtt = tunnels.Select(_ => new List<double>()).ToArray();
        var uploadCpu = tunnels.Select(_ => new List<double>()).ToArray();
        var downloadCpu = tunnels.Select(_ => new List<double>()).ToArray();
        var directRtt = new List<double>();

        // Warm-up, not counted: each tunnel's first connections and TLS session caches, and for the pinset tunnel the JIT's
        // tiers: a method runs unoptimised until it has been called often, then is compiled again in the background, so
        // the first tens of MiB cost it up to half again the processor time of its steady state (a tunnel that runs for
        // a trading day is in its steady state). A transfer the size of a measured one each way leaves only that state.
        foreach (var (_, port, _) in tunnels)
        {
            await UploadAsync(port, bulk, () => 0);
            await DownloadAsync(port, bulk, () => 0);
            await RoundTripsAsync(() => PlainAsync(port), trips, []);
        }

        await RoundTripsAsync(() => server.DirectAsync(), 200, []);
        for (int round = 0; round < rounds; round++)
        {
            foreach (int i in round % 2 == 0 ? [0, 1] : new[] { 1, 0 })
            {
                var process = tunnels[i].Process;
                var up = await UploadAsync(tunnels[i].Port, bulk, () => CpuSeconds(process));
                upload[i].Add(bulk / (1 << 20) / up.Seconds);
                uploadCpu[i].Add(up.CpuSeconds * 1000 / (bulk >> 20) * 64);
                var down = await DownloadAsync(tunnels[i].Port, bulk, () => CpuSeconds(process));
                download[i].Add(bulk / (1 << 20) / down.Seconds);
                downloadCpu[i].Add(down.CpuSeconds * 1000 / (bulk >> 20) * 64);
                await RoundTripsAsync(() => PlainAsync(tunnels[i].Port), trips, rtt[i]);
            }

            await RoundTripsAsync(() => server.DirectAsync(), trips, directRtt);
        }

        var held = new List<string>();
        foreach (var (name, port, process) in tunnels)
        {
            held.Add(await HoldAsync(name, port, process));
        }

        Print(tunnels.Select(t => t.Name).ToArray(), upload, download, rtt, directRtt, held, rounds, bulk, trips, quick);
        PrintCpu(tunnels.Select(t => t.Name).ToArray(), uploadCpu, downloadCpu);
        return 0;
    }

    /// <summary>Uploads <paramref name="bytes"/> through the tunnel and waits for the server's count: the time taken and the processor time <paramref name="cpu"/> counted meanwhile.</summary>
    private static async Task<Transfer> UploadAsync(int port, long bytes, Func<double> cpu)
    {
        await using var stream = await PlainAsync(port);
        await AskAsync(stream, 'U', bytes);
        var start = Stopwatch.GetTimestamp();
        double cpuStart = cpu();
        var chunk = new byte[64 * 1024];
        for (long left = bytes; left > 0; left -= chunk.Length)
        {
            await stream.WriteAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, left)));
        }

        var count = new byte[8];
        await stream.ReadExactlyAsync(count);
        var transfer = new Transfer(Stopwatch.GetElapsedTime(start).TotalSeconds, cpu() - cpuStart);
        return BinaryPrimitives.ReadInt64LittleEndian(count) == bytes ? transfer : throw new InvalidOperationException("The server counted another number of bytes.");
    }

    /// <summary>Asks the server for <paramref name="bytes"/> through the tunnel and reads them all: the time taken and the processor time <paramref name="cpu"/> counted meanwhile.</summary>
    private static async Task<Transfer> DownloadAsync(int port, long bytes, Func<double> cpu)
    {
        await using var stream = await PlainAsync(port);
        await AskAsync(stream, 'D', bytes);
        var start = Stopwatch.GetTimestamp();
        double cpuStart = cpu();
        var buffer = new byte[64 * 1024];
        long total = 0;
        while (total < bytes && await stream.ReadAsync(buffer) is var read and > 0)
        {
            total += read;
        }

        var transfer = new Transfer(Stopwatch.GetElapsedTime(start).TotalSeconds, cpu() - cpuStart);
        return total == bytes ? transfer : throw new InvalidOperationException($"The download ended after {total} of {bytes} bytes.");
    }

    /// <summary>A bulk transfer: the time it took, and the processor time the tunnel used meanwhile.</summary>
    private sealed record Transfer(double Seconds, double CpuSeconds);

    /// <summary>
    /// The server's command, 'U' or 'D' and the number of bytes, and its answer that it is ready: the tunnel's session is
    /// up (connected, handshaken, pins checked), so the transfer timed after it is the tunnel's throughput alone. Opening
    /// a session is measured on its own, by the 200 sessions.
    /// </summary>
    private static async Task AskAsync(Stream stream, char command, long bytes)
    {
        var head = new byte[9];
        head[0] = (byte)command;
        BinaryPrimitives.WriteInt64LittleEndian(head.AsSpan(1), bytes);
        await stream.WriteAsync(head);
        await stream.ReadExactlyAsync(head.AsMemory(0, 1));
    }

    /// <summary>A session's round trips of a 64-byte message, each one's microseconds added to <paramref name="samples"/>.</summary>
    private static async Task RoundTripsAsync(Func<Task<Stream>> open, int count, List<double> samples)
    {
        await using var stream = await open();
        await stream.WriteAsync("E"u8.ToArray());
        var message = new byte[MessageSize];
        var back = new byte[MessageSize];
        for (int i = 0; i < count; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await stream.WriteAsync(message);
            await stream.ReadExactlyAsync(back);
            samples.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
        }
    }

    /// <summary>200 sessions opened at once, each with a round trip, then held while each does another; the tunnel's memory then.</summary>
    private static async Task<string> HoldAsync(string name, int port, ToolServerProcess process)
    {
        long rssBefore = Rss(process);
        var start = Stopwatch.GetTimestamp();
        var streams = await Task.WhenAll(Enumerable.Range(0, Sessions).Select(async _ =>
        {
            var stream = await PlainAsync(port);
            await stream.WriteAsync("E"u8.ToArray());
            await EchoAsync(stream);
            return stream;
        }));
        double opened = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        start = Stopwatch.GetTimestamp();
        await Task.WhenAll(streams.Select(EchoAsync));
        double again = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        long rss = Rss(process);
        foreach (var stream in streams)
        {
            await stream.DisposeAsync();
        }

        return string.Create(CultureInfo.InvariantCulture, $"| {name} | {opened:F0} ms | {again:F1} ms | {rssBefore / 1024.0:F1} MiB | {rss / 1024.0:F1} MiB |");
    }

    private static async Task EchoAsync(Stream stream)
    {
        var message = new byte[MessageSize];
        await stream.WriteAsync(message);
        await stream.ReadExactlyAsync(message);
    }

    private static async Task<Stream> PlainAsync(int port)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        return new NetworkStream(socket, ownsSocket: true);
    }

    /// <summary>The tunnel's own process (the watchdog's child).</summary>
    private static int TunnelId(ToolServerProcess process) =>
        ProcessTree.Children(process.ProcessId).Select(c => c.Id).DefaultIfEmpty(process.ProcessId).First();

    /// <summary>
    /// The processor time, user and system, the tunnel has used (from /proc/PID/stat, in clock ticks of 10 ms): what a
    /// transfer costs the tunnel itself, which the machine's other load does not change the way it changes elapsed time.
    /// </summary>
    private static double CpuSeconds(ToolServerProcess process)
    {
        var stat = File.ReadAllText($"/proc/{TunnelId(process)}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }

    private static void PrintCpu(string[] names, List<double>[] upload, List<double>[] download)
    {
        Console.WriteLine("Processor time the tunnel process used per 64 MiB moved (user + system; the lower, the less a tunnel costs):");
        Console.WriteLine("| tunnel | upload ms per 64 MiB (median, quartiles) | download ms per 64 MiB |");
        Console.WriteLine("|---|---:|---:|");
        for (int i = 0; i < names.Length; i++)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {names[i]} | {Median(upload[i]):F0} ({Quantile(upload[i], 0.25):F0} to {Quantile(upload[i], 0.75):F0}) | {Median(download[i]):F0} ({Quantile(download[i], 0.25):F0} to {Quantile(download[i], 0.75):F0}) |"));
        }
    }

    /// <summary>The resident memory, in KiB, of the tunnel (the watchdog's child process).</summary>
    private static long Rss(ToolServerProcess process)
    {
        int id = TunnelId(process);
        var line = File.ReadLines($"/proc/{id}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }

    private static void Print(string[] names, List<double>[] upload, List<double>[] download, List<double>[] rtt, List<double> direct, List<string> held, int rounds, long bulk, int trips, bool quick)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"pinset tunnel and stunnel4 side by side: {rounds} rounds{(quick ? " (quick)" : string.Empty)}, each moving {bulk >> 20} MiB each way and {trips} round trips of {MessageSize} bytes per tunnel, the tunnels alternating; {Environment.ProcessorCount} cores, .NET {Environment.Version}, {StunnelVersion()}"));
        Console.WriteLine("| tunnel | upload MiB/s (median, quartiles) | download MiB/s | round trip µs (median, quartiles) | added to a direct TLS round trip |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        double directMedian = Median(direct);
        for (int i = 0; i < names.Length; i++)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {names[i]} | {Median(upload[i]):F0} ({Quantile(upload[i], 0.25):F0} to {Quantile(upload[i], 0.75):F0}) | {Median(download[i]):F0} ({Quantile(download[i], 0.25):F0} to {Quantile(download[i], 0.75):F0}) | {Median(rtt[i]):F1} ({Quantile(rtt[i], 0.25):F1} to {Quantile(rtt[i], 0.75):F1}) | {Median(rtt[i]) - directMedian:F1} µs |"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| direct TLS, no tunnel | | | {directMedian:F1} ({Quantile(direct, 0.25):F1} to {Quantile(direct, 0.75):F1}) | |"));
        double up = Median(upload[1]) / Median(upload[0]), down = Median(download[1]) / Median(download[0]);
        double added = (Median(rtt[1]) - directMedian) / (Median(rtt[0]) - directMedian), total = Median(rtt[1]) / Median(rtt[0]);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Throughput, pinset / stunnel (goal at least 0.9): upload {up:F2}, download {down:F2}: {(Math.Min(up, down) >= 0.9 ? "met" : "NOT met")}."));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Added latency per round trip, pinset / stunnel (goal at most 1.1): {added:F2} (whole round trips: {total:F2}): {(added <= 1.1 ? "met" : "NOT met")}."));
        Console.WriteLine($"{Sessions} sessions at once:");
        Console.WriteLine("| tunnel | open all, each with a round trip | a round trip on each, all held | tunnel memory before | with all held |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        held.ForEach(Console.WriteLine);
    }

    private static string StunnelVersion()
    {
        var (_, output, error) = Stunnel.RunAsync(["-version"]).GetAwaiter().GetResult();
        return (output + error).Split('\n').FirstOrDefault(l => l.StartsWith("stunnel", StringComparison.Ordinal))?.Trim() ?? "stunnel4";
    }

    /// <summary>The TLS server behind both tunnels: 'U' + length (count what arrives, answer the count), 'D' + length (send that many bytes), 'E' (echo).</summary>
    private sealed class BenchServer : IAsyncDisposable
    {
        private readonly SslStreamCertificateContext _context;
        private readonly X509Certificate2Collection _roots;
        private readonly LoopbackSocketServer _server;

        public BenchServer(TestPki pki)
        {
            _context = SslStreamCertificateContext.Create(pki.Leaf, [pki.Intermediate.Certificate], offline: true);
            _roots = [pki.Root.Certificate];
            _server = new LoopbackSocketServer((client, _, stop) => ServeAsync(client, stop));
        }

        public int Port => _server.Port;

        /// <summary>A TLS session straight to the server, validated to the same root: the round trip without a tunnel.</summary>
        public async Task<Stream> DirectAsync()
        {
            var tls = new SslStream(await PlainAsync(Port));
            var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
            policy.CustomTrustStore.AddRange(_roots);
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = TestPki.DefaultHost, CertificateChainPolicy = policy });
            return tls;
        }

        public ValueTask DisposeAsync() => _server.DisposeAsync();

        private async Task ServeAsync(Socket client, CancellationToken stop)
        {
            try
            {
                await using var tls = new SslStream(new NetworkStream(client, ownsSocket: true));
                await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificateContext = _context }, stop);
                var command = new byte[1];
                await tls.ReadExactlyAsync(command, stop);
                var buffer = new byte[64 * 1024];
                if (command[0] == 'E')
                {
                    while (await tls.ReadAsync(buffer, stop) is var read and > 0)
                    {
                        await tls.WriteAsync(buffer.AsMemory(0, read), stop);
                    }

                    return;
                }

                var length = new byte[8];
                await tls.ReadExactlyAsync(length, stop);
                long bytes = BinaryPrimitives.ReadInt64LittleEndian(length);

                // Ready: the client times the transfer from here, once the tunnel's session is up.
                await tls.WriteAsync("R"u8.ToArray(), stop);
                if (command[0] == 'U')
                {
                    long total = 0;
                    while (total < bytes && await tls.ReadAsync(buffer, stop) is var read and > 0)
                    {
                        total += read;
                    }

                    BinaryPrimitives.WriteInt64LittleEndian(length, total);
                    await tls.WriteAsync(length, stop);
                }
                else
                {
                    for (long left = bytes; left > 0; left -= buffer.Length)
                    {
                        await tls.WriteAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, left)), stop);
                    }
                }

                await tls.ShutdownAsync();
            }
            catch (Exception ex) when (ex is IOException or AuthenticationException or OperationCanceledException or ObjectDisposedException or SocketException)
            {
                // The client went away: the next measurement opens a new session.
            }
        }
    }
}
