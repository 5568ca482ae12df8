using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Pinset.Cli.Tests;

/// <summary>
/// <c>pinset tunnel</c> as a user runs it: the real process, a local plain TCP client, and real TLS servers on
/// loopback behind it (openssl s_server, an SslStream server for the cases s_server cannot play, mitmproxy intercepting
/// with a CA the tunnel trusts). Every wait is for a line the tunnel logs or a byte a peer sends, never for time, save one
/// observation that only time can make: that a writer facing a peer who reads nothing has stalled (see <see cref="Flood"/>).
/// </summary>
public sealed class TunnelTests : IDisposable
{
    /// <summary>What a back-pressure test pushes through one session: many times what the buffers on the way can hold.</summary>
    private const long FlowTotal = 256L * 1024 * 1024;

    /// <summary>The send and receive buffers of the test's own ends (the client, the server), fixed; the kernel doubles them.</summary>
    private const int FlowSocketBuffer = 256 * 1024;

    /// <summary>
    /// The tunnel's own buffers in one direction, with room to spare: its 32 KiB copy buffer, SslStream's record buffers
    /// (a 16 KiB record and what it read ahead), and a socket queue overshooting its size by a segment or two.
    /// </summary>
    private const long TunnelSlack = 1024 * 1024;

    /// <summary>
    /// How far above what it held once the session was open the tunnel's peak resident memory may go while 256 MiB pass.
    /// What it should hold more is a copy buffer and SslStream's buffers per direction, well under a megabyte; the rest is
    /// room for the runtime: the garbage collector lets the heap grow by its allocation budget (several MiB to tens of
    /// MiB, scaled to the CPU's cache) before it collects, and code is compiled again as it gets hot. Socket buffers are
    /// the kernel's memory, not the process's. A tunnel that took in what it could not pass on would hold up to all 256
    /// MiB, four times this.
    /// </summary>
    private const long MemoryHeadroom = 64L * 1024 * 1024;

    /// <summary>IPPROTO_TCP, and its TCP_QUICKACK option (Linux's netinet/tcp.h): set, it sends a delayed ACK at once.</summary>
    private const int TcpLevel = 6;

    private const int TcpQuickAck = 12;

    private static readonly TimeSpan FlowLimit = TimeSpan.FromSeconds(60);

    private readonly CliFixture _fx = new();

    public void Dispose() => _fx.Dispose();

    private string GenuinePolicy(string extra = "") =>
        _fx.Policy($$"""{"hosts": ["{{TestPki.DefaultHost}}", "localhost"], "pins": ["{{_fx.Pki.Intermediate.Pin}}", "{{TestPki.BackupPin}}"]{{extra}}}""");

    /// <summary>A policy whose pins are on no chain the tests serve: every connection fails it.</summary>
    private string MismatchPolicy(string extra = "") =>
        _fx.Policy($$"""{"hosts": ["{{TestPki.DefaultHost}}", "localhost"], "pins": ["{{TestPki.BackupPin}}", "sha256/{{Convert.ToBase64String(SHA256.HashData("a key on no server"u8))}}"]{{extra}}}""");

    private string[] To(int port, string policy, string host = TestPki.DefaultHost) =>
        ["--listen", "127.0.0.1:0", "--to", $"{host}:{port}", "--policy", policy, .. _fx.Reach(port, host)];

    [RequiresToolsFact("openssl")]
    public async Task GenuineOpenSslServer_FixLikeSessionKeptOpen_EveryMessageAnsweredAndTheBytesLogged()
    {
        await using var server = await OpenSslTlsServer.StartLineReverserAsync(_fx.Pki.Leaf, [_fx.Pki.Intermediate.Certificate]);
        await using var tunnel = await TunnelProcess.StartAsync(To(server.Port, GenuinePolicy()));
        using var client = await tunnel.ConnectAsync();
        using var stream = new NetworkStream(client);
        using var reader = new StreamReader(stream, Encoding.ASCII);
        long sent = 0;
        for (int seq = 1; seq <= 500; seq++)
        {
            // A FIX heartbeat, its SOH separators written as '|' as logs show them.
            var message = $"8=FIX.4.4|9=58|35=0|49=CLIENT|56=BROKER|34={seq}|52=20261203-09:30:00.000|10={seq % 256:000}|";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(message + "\n"));
            sent += message.Length + 1;
            Assert.Equal(new string([.. message.Reverse()]), await reader.ReadLineAsync());
        }

        Assert.Contains("Session 1: the pin check of 'api.exchange.test' passed", await tunnel.WaitForAsync("pin check"), StringComparison.Ordinal);
        client.Shutdown(SocketShutdown.Send);
        var closed = await tunnel.WaitForAsync("Session 1 closed");
        Assert.Contains($"{sent} bytes to {TestPki.DefaultHost}:{server.Port}, {sent} bytes back to the client", closed, StringComparison.Ordinal);
    }

    [RequiresToolsFact("openssl", "mitmdump")]
    public async Task MitmproxyWithATrustedCa_RefusedWithTheFailureBlock_AndNotAByteReachesIt_WhileReportOnlyForwardsAndReports()
    {
        await using var server = await OpenSslTlsServer.StartAsync(_fx.Pki.Leaf, [_fx.Pki.Intermediate.Certificate]);
        await using var mitm = await MitmProxy.StartAsync(_fx.Pki.InterceptorRoot, server.Port, _fx.Pki.Root);
        await using var reports = await ReportEndpoint.StartAsync();
        var policy = GenuinePolicy($$""", "reportUris": ["{{reports.Url}}"]""");
        await using var tunnel = await TunnelProcess.StartAsync([.. To(mitm.Port, policy, "localhost"), "--report"]);

        // The client speaks first, at once, as a FIX engine sends its Logon: the tunnel must not read it, let alone forward it.
        using (var client = await tunnel.ConnectAsync())
        {
            await client.SendAsync("GET /secret HTTP/1.1\r\nHost: localhost\r\n\r\n"u8.ToArray());
            Assert.Equal(0, await TunnelProcess.ReadToEndAsync(client));
        }

        await tunnel.WaitForAsync("Session 1 closed without forwarding");
        var log = tunnel.Log;
        Assert.Contains($"Session 1 refused: localhost:{mitm.Port} failed the pin check; the client's connection is closed and nothing was sent to the server.", log, StringComparison.Ordinal);
        Assert.Contains("Certificate pinning failure! No pinned key is in the validated chain; the connection was refused.", log, StringComparison.Ordinal);
        Assert.Contains($"    {_fx.Pki.Intermediate.Pin}", log, StringComparison.Ordinal);
        Assert.Contains("CN=Interceptor Root CA", log, StringComparison.Ordinal);
        await reports.WaitForReportsAsync(1);
        Assert.Contains("\"outcome\":\"PinMismatch\"", reports.Reports[0].Body, StringComparison.Ordinal);

        // The same interceptor under a report-only policy: forwarded, so a request would have been seen had one passed.
        await File.WriteAllTextAsync(policy, (await File.ReadAllTextAsync(policy)).Replace("\"hosts\"", "\"mode\": \"report-only\", \"hosts\"", StringComparison.Ordinal));
        using (var client = await tunnel.ConnectAsync())
        {
            await client.SendAsync("GET /control HTTP/1.1\r\nHost: localhost\r\n\r\n"u8.ToArray());
            await server.WaitForRequestAsync(TimeSpan.FromSeconds(60));
        }

        Assert.Contains("Certificate pinning failure (report-only, connection allowed)", await tunnel.WaitForAsync("report-only"), StringComparison.Ordinal);
        await reports.WaitForReportsAsync(2);
        Assert.Contains("\"mode\":\"report-only\"", reports.Reports[1].Body, StringComparison.Ordinal);
        Assert.Contains("GET /control", server.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("/secret", server.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("/secret", mitm.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TwoHundredConcurrentSessions_HeldOpenTogether_EachCarriesItsOwnBytes()
    {
        const int Sessions = 200;
        await using var server = new TlsEchoServer(_fx.Pki.Leaf, _fx.Pki.GenuineChain());
        await using var tunnel = await TunnelProcess.StartAsync(To(server.Port, GenuinePolicy()));
        var clients = await Task.WhenAll(Enumerable.Range(0, Sessions).Select(_ => tunnel.ConnectAsync()));
        try
        {
            await Task.WhenAll(clients.Select((c, i) => RoundTripAsync(c, $"first {i}")));
            await tunnel.WaitForCountAsync("pin check of", Sessions);
            Assert.Equal(Sessions, server.Handshakes);

            // All held at once: each answers again, its own bytes only.
            await Task.WhenAll(clients.Select((c, i) => RoundTripAsync(c, $"second {i} {new string('x', i)}")));
            Assert.DoesNotContain("closed", tunnel.Log, StringComparison.Ordinal);
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }

        await tunnel.WaitForCountAsync(" closed", Sessions);
    }

    /// <summary>
    /// The client half-closes while the server is still answering a byte (a TLS record) at a time, so the tunnel sends
    /// close_notify while its other thread is decrypting, in many sessions at once: every session still gets every byte
    /// and ends closed by both sides (see <c>CloseNotifyGate</c> for the race this guards against).
    /// </summary>
    [Fact]
    public async Task ClientHalfClosesWhileTheServerAnswersRecordByRecord_ManySessionsAtOnce_NotAByteLost()
    {
        const int Sessions = 40;
        await using var server = new TlsEchoServer(_fx.Pki.Leaf, _fx.Pki.GenuineChain(), EchoMode.SlowEcho);
        await using var tunnel = await TunnelProcess.StartAsync(To(server.Port, GenuinePolicy()));
        var results = await Task.WhenAll(Enumerable.Range(0, Sessions).Select(async i =>
        {
            using var client = await tunnel.ConnectAsync();
            var data = RandomBytes(3_000);
            await client.SendAsync(data);
            client.Shutdown(SocketShutdown.Send);
            using var back = new MemoryStream();
            await TunnelProcess.ReadToEndAsync(client, back);
            return data.AsSpan().SequenceEqual(back.ToArray()) ? null : $"a session got {back.Length} of {data.Length} bytes back";
        }));
        await tunnel.WaitForCountAsync(" closed", Sessions);
        var lost = results.Where(r => r is not null).ToList();
        Assert.True(lost.Count == 0, $"{lost.Count} of {Sessions} sessions lost bytes: {string.Join("; ", lost)}\n{tunnel.Log}");
        Assert.Equal(Sessions, Regex.Matches(tunnel.Log, "closed by both sides").Count);
    }

    [Fact]
    public async Task ClientHalfCloses_TheServerStillAnswersEverything_ThenBothClose()
    {
        await using var server = new TlsEchoServer(_fx.Pki.Leaf, _fx.Pki.GenuineChain());
        await using var tunnel = await TunnelProcess.StartAsync(To(server.Port, GenuinePolicy()));
        using var client = await tunnel.ConnectAsync();
        var data = RandomBytes(300_000);
        await client.SendAsync(data);
        client.Shutdown(SocketShutdown.Send);
        using var back = new MemoryStream();
        await TunnelProcess.ReadToEndAsync(client, back);
        var received = await server.ReceivedAsync(0);
        var closed = await tunnel.WaitForAsync("Session 1 closed");
        Assert.True(back.Length == data.Length && received.Length == data.Length, $"Sent {data.Length} bytes; the server received {received.Length} and the client got {back.Length} back.\n{tunnel.Log}");
        Assert.Equal(SHA256.HashData(data), SHA256.HashData(back.ToArray()));
        Assert.Equal(SHA256.HashData(data), SHA256.HashData(received));
        Assert.Contains("Session 1 closed by both sides", closed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServerHalfClosesFirst_TheClientGetsItsEndOfStream_AndCanStillSendEverything()
    {
        await using var server = new TlsEchoServer(_fx.Pki.Leaf, _fx.Pki.GenuineChain(), EchoMode.GreetAndHalfClose);
        await using var tunnel = await TunnelProcess.StartAsync(To(server.Port, GenuinePolicy()));
        using var client = await tunnel.ConnectAsync();
        using var greeting = new MemoryStream();
        await TunnelProcess.ReadToEndAsync(client, greeting);
        Assert.Equal("HELLO\n"u8.ToArray(), greeting.ToArray());

        var data = RandomBytes(200_000);
        await client.SendAsync(data);
        client.Shutdown(SocketShutdown.Send);
        Assert.Equal(SHA256.HashData(data), SHA256.HashData(await server.ReceivedAsync(0)));
        Assert.Contains($"{data.Length} bytes to", await tunnel.WaitForAsync("Session 1 closed"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SlowPeers_AServerEchoingAByteAtATime_AndAClientReadingSevenAtATime_EveryByteInOrder()
    {
        await using var server = new TlsEchoServer(_fx.Pki.Leaf, _fx.Pki.GenuineChain(), EchoMode.SlowEcho);
        await using var tunnel = await TunnelProcess.StartAsync(To(server.Port, GenuinePolicy()));
        using var client = await tunnel.ConnectAsync();
        var data = RandomBytes(20_000);
        var sending = Task.Run(async () =>
        {
            await client.SendAsync(data);
            client.Shutdown(SocketShutdown.Send);
        });
        using var back = new MemoryStream();
        var small = new byte[7];
        while (await client.ReceiveAsync(small) is var read and > 0)
        {
            back.Write(small, 0, read);
        }

        await sending;
        var closed = await tunnel.WaitForAsync("Session 1 closed");
        Assert.True(data.AsSpan().SequenceEqual(back.ToArray()), $"{back.Length} of {data.Length} bytes came back (the first {data.AsSpan().CommonPrefixLength(back.ToArray())} as sent); the tunnel logged:\n{tunnel.Log}");
        Assert.Contains("Session 1 closed by both sides", closed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PolicyFileChanged_TheNextConnectionIsJudgedByIt_AndABrokenFileKeepsTheLastGoodPolicy()
    {
        await using var server = new TlsEchoServer(_fx.Pki.Leaf, _fx.Pki.GenuineChain());
        var policy = GenuinePolicy();
        var genuine = await File.ReadAllTextAsync(policy);
        await using var tunnel = await TunnelProcess.StartAsync(To(server.Port, policy));

        using (var first = await tunnel.ConnectAsync())
        {
            await RoundTripAsync(first, "before the change");
        }

        await File.WriteAllTextAsync(policy, await File.ReadAllTextAsync(MismatchPolicy()));
        using (var second = await tunnel.ConnectAsync())
        {
            Assert.Equal(0, await TunnelProcess.ReadToEndAsync(second));
        }

        await tunnel.WaitForAsync("Session 2 refused");
        Assert.Contains($"Policy '{policy}' changed and was reloaded", tunnel.Log, StringComparison.Ordinal);

        await File.WriteAllTextAsync(policy, "{ not json");
        using (var third = await tunnel.ConnectAsync())
        {
            Assert.Equal(0, await TunnelProcess.ReadToEndAsync(third));
        }

        await tunnel.WaitForAsync("Session 3 refused");
        Assert.Contains($"Policy '{policy}' changed but does not load; the last good policy stays in force.", tunnel.Log, StringComparison.Ordinal);

        await File.WriteAllTextAsync(policy, genuine);
        using (var fourth = await tunnel.ConnectAsync())
        {
            await RoundTripAsync(fourth, "after the fix");
        }

        Assert.Empty(await server.ReceivedAsync(1));
        Assert.Empty(await server.ReceivedAsync(2));
    }

    [Fact]
    public async Task Sigterm_StopsAccepting_LetsTheOpenSessionFinish_ThenExits0()
    {
        await using var server = new TlsEchoServer(_fx.Pki.Leaf, _fx.Pki.GenuineChain());
        await using var tunnel = await TunnelProcess.StartAsync(To(server.Port, GenuinePolicy()));
        using var client = await tunnel.ConnectAsync();
        await RoundTripAsync(client, "before the signal");

        await tunnel.SignalAsync("TERM");
        await tunnel.WaitForAsync("Stopping: no new connections are accepted; waiting up to 30 seconds (--drain-timeout) for 1 open session to end.");
        var refused = await Assert.ThrowsAsync<SocketException>(() => tunnel.ConnectAsync());
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);

        await RoundTripAsync(client, "still open while draining");
        client.Shutdown(SocketShutdown.Send);
        Assert.Equal(0, await TunnelProcess.ReadToEndAsync(client));
        var run = await tunnel.ExitAsync();
        Assert.True(run.Exit == 0, run.ToString());
        Assert.Contains("Stopped: every session ended.", run.Error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, run.Out);
    }

    [Fact]
    public async Task Sigterm_ASessionStillOpenAfterTheDrainTimeout_IsCut_AndTheTunnelExits0()
    {
        await using var server = new TlsEchoServer(_fx.Pki.Leaf, _fx.Pki.GenuineChain());
        await using var tunnel = await TunnelProcess.StartAsync([.. To(server.Port, GenuinePolicy()), "--drain-timeout", "200ms"]);
        using var client = await tunnel.ConnectAsync();
        await RoundTripAsync(client, "held");
        await tunnel.SignalAsync("TERM");
        var run = await tunnel.ExitAsync();
        Assert.True(run.Exit == 0, run.ToString());
        Assert.Contains("Session 1 cut: the tunnel stopped before the session ended (--drain-timeout)", run.Error, StringComparison.Ordinal);
        Assert.Contains("Stopped: 1 session was still open after 200 ms (--drain-timeout) and was cut.", run.Error, StringComparison.Ordinal);
        Assert.Equal(0, await TunnelProcess.ReadToEndAsync(client));
    }

    [Fact]
    public async Task IdleTimeout_AWriteWaitingForASlowReader_IsTrafficNotIdleness_EveryByteArrives()
    {
        const long total = 32L * 1024 * 1024;
        await using var session = await FlowSession.OpenAsync(_fx, To, GenuinePolicy(), "--idle-timeout", "1s");
        var (server, tunnel, client, clientStream, upstream) = session;

        // The client reads nothing until the server's write has waited three idle timeouts, the tunnel's own write to the
        // client waiting all that time; then it reads everything. (The idle timeout is a second, not less: the test's own
        // server may pause for a few hundred milliseconds on a loaded machine, and that pause would be true idleness.)
        var flood = new Flood(total, stallWindow: TimeSpan.FromSeconds(3));
        var writing = flood.WriteAsync(upstream);
        await flood.Stalled.WaitAsync(FlowLimit);
        Assert.DoesNotContain("Session 1 closed", tunnel.Log, StringComparison.Ordinal);
        var reading = GeneratedBytes.ReadToEndAsync(clientStream);
        await writing.WaitAsync(FlowLimit);
        await server.EndSendingAsync();
        Assert.Equal(total, await reading.WaitAsync(FlowLimit));
        client.Shutdown(SocketShutdown.Send);
        Assert.Contains("Session 1 closed by both sides after", await tunnel.WaitForAsync("Session 1 closed"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task IdleTimeout_ASessionWithNoTraffic_IsClosed()
    {
        await using var server = new TlsEchoServer(_fx.Pki.Leaf, _fx.Pki.GenuineChain());
        await using var tunnel = await TunnelProcess.StartAsync([.. To(server.Port, GenuinePolicy()), "--idle-timeout", "300ms"]);
        using var client = await tunnel.ConnectAsync();
        await RoundTripAsync(client, "then silence");
        Assert.Equal(0, await TunnelProcess.ReadToEndAsync(client));
        Assert.Contains("Session 1 closed: nothing moved either way for 300 ms (--idle-timeout)", await tunnel.WaitForAsync("Session 1 closed"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BackPressure_TheServerReadsNothing_TheClientStallsWithinTheBuffersOnTheWay_TheTunnelsMemoryStaysFlat_Then256MiBArriveInOrder()
    {
        await using var session = await FlowSession.OpenAsync(_fx, To, GenuinePolicy());
        var (server, tunnel, client, clientStream, upstream) = session;
        long baseline = ProcessTree.Memory(tunnel.ProcessId).Resident;

        // The server reads nothing while the client writes as fast as the tunnel takes it.
        var flood = new Flood(FlowTotal);
        var writing = flood.WriteAsync(clientStream);
        long stalledAt = await flood.Stalled.WaitAsync(FlowLimit);
        AssertHeldBack("client", stalledAt, client.SendBufferSize + server.ReceiveBufferSize, tunnel, baseline);

        // Now the server reads: the client's stalled write goes on, and every byte arrives, in order.
        var reading = GeneratedBytes.ReadToEndAsync(upstream);
        await writing.WaitAsync(FlowLimit);
        client.Shutdown(SocketShutdown.Send);
        Assert.Equal(FlowTotal, await reading.WaitAsync(FlowLimit));
        await server.EndSendingAsync();
        Assert.Equal(0, await TunnelProcess.ReadToEndAsync(client));
        var closed = await tunnel.WaitForAsync("Session 1 closed");
        Assert.Contains("Session 1 closed by both sides after", closed, StringComparison.Ordinal);
        Assert.Contains($"{FlowTotal} bytes to {TestPki.DefaultHost}:{server.Port}, 0 bytes back to the client", closed, StringComparison.Ordinal);
        AssertMemoryFlat(tunnel, baseline);
    }

    [Fact]
    public async Task BackPressure_TheClientReadsNothing_TheServerStallsWithinTheBuffersOnTheWay_TheTunnelsMemoryStaysFlat_Then256MiBArriveInOrder()
    {
        await using var session = await FlowSession.OpenAsync(_fx, To, GenuinePolicy());
        var (server, tunnel, client, clientStream, upstream) = session;
        long baseline = ProcessTree.Memory(tunnel.ProcessId).Resident;

        // The client reads nothing while the server writes as fast as the tunnel takes it.
        var flood = new Flood(FlowTotal);
        var writing = flood.WriteAsync(upstream);
        long stalledAt = await flood.Stalled.WaitAsync(FlowLimit);
        AssertHeldBack("server", stalledAt, server.SendBufferSize + client.ReceiveBufferSize, tunnel, baseline);

        // Now the client reads: the server's stalled write goes on, and every byte arrives, in order.
        var reading = GeneratedBytes.ReadToEndAsync(clientStream);
        await writing.WaitAsync(FlowLimit);
        await server.EndSendingAsync();
        Assert.Equal(FlowTotal, await reading.WaitAsync(FlowLimit));
        client.Shutdown(SocketShutdown.Send);
        var closed = await tunnel.WaitForAsync("Session 1 closed");
        Assert.Contains("Session 1 closed by both sides after", closed, StringComparison.Ordinal);
        Assert.Contains($"0 bytes to {TestPki.DefaultHost}:{server.Port}, {FlowTotal} bytes back to the client", closed, StringComparison.Ordinal);
        AssertMemoryFlat(tunnel, baseline);
    }

    [RequiresToolsFact("ss")]
    public async Task KeepAlive_TheSocketFromTheClientAndTheSocketToTheServer_EachHaveAProbeDueAfter60SecondsOfSilence()
    {
        await using var server = new TlsEchoServer(_fx.Pki.Leaf, _fx.Pki.GenuineChain());
        await using var tunnel = await TunnelProcess.StartAsync(To(server.Port, GenuinePolicy()));
        using var client = await tunnel.ConnectAsync();
        await RoundTripAsync(client, "then silence");

        // The kernel names one timer per socket, the retransmission timer first while data is unacknowledged. The server's
        // echo acknowledged what the tunnel sent it; the client acknowledges the echo now (TCP_QUICKACK sends a delayed
        // ACK at once), so each of the tunnel's two sockets shows its keep-alive timer.
        client.SetRawSocketOption(TcpLevel, TcpQuickAck, BitConverter.GetBytes(1));
        var sockets = await TcpSockets.OfProcessAsync(tunnel.ProcessId);
        int clientPort = ((IPEndPoint)client.LocalEndPoint!).Port;
        var seen = $"The tunnel's sockets, as ss shows them:\n{string.Join('\n', sockets.Select(s => s.Line))}";
        var accepted = sockets.Where(s => s.LocalPort == tunnel.Port && s.PeerPort == clientPort).ToList();
        var upstream = sockets.Where(s => s.PeerPort == server.Port).ToList();
        Assert.True(accepted.Count == 1 && upstream.Count == 1, $"Expected one socket from the client (port {clientPort}) and one to the server (port {server.Port}). {seen}");

        // Set when the session opened, a second or so ago: the first probe is due in (a little under) 60 seconds, not in
        // Linux's default two hours, and not never; then one every 10 seconds, 5 unanswered ending the connection.
        var expected = new TcpSockets.KeepAlive(Enabled: true, IdleSeconds: 60, IntervalSeconds: 10, Probes: 5);
        foreach (var (name, socket) in new[] { ("from the client", accepted[0]), ("to the server", upstream[0]) })
        {
            Assert.True(
                socket is { Timer: "keepalive", TimerDue: { } due } && due > TimeSpan.FromSeconds(40) && due <= TimeSpan.FromSeconds(60),
                $"The tunnel's socket {name} has {(socket.Timer is null ? "no timer" : $"the timer {socket.Timer} due in {socket.TimerDue}")}; expected a keep-alive probe due within 60 seconds. {seen}");
            var settings = TcpSockets.KeepAliveOf(tunnel.ProcessId, socket.Descriptor);
            Assert.True(settings == expected, $"The tunnel's socket {name} has {settings}; expected {expected}.");
        }
    }

    [Fact]
    public async Task ConfigFile_TwoTunnels_EachWithItsOwnPolicy()
    {
        await using var server = new TlsEchoServer(_fx.Pki.Leaf, _fx.Pki.GenuineChain());
        var config = _fx.File("tunnels.json");
        string Entry(string name, string policy) =>
            $$"""{"name": "{{name}}", "listen": "127.0.0.1:0", "to": "{{TestPki.DefaultHost}}:{{server.Port}}", "policy": "{{Path.GetFileName(policy)}}", "caFile": "roots.pem", "resolve": ["{{TestPki.DefaultHost}}:{{server.Port}}:127.0.0.1"]}""";
        await File.WriteAllTextAsync(config, $$"""{"tunnels": [{{Entry("genuine", GenuinePolicy())}}, {{Entry("mismatch", MismatchPolicy())}}]}""");
        await using var tunnel = await TunnelProcess.StartAsync(["--config", config], routes: 2);

        using (var passing = await tunnel.ConnectAsync(tunnel.Ports[0]))
        {
            await RoundTripAsync(passing, "through 'genuine'");
        }

        using (var refused = await tunnel.ConnectAsync(tunnel.Ports[1]))
        {
            Assert.Equal(0, await TunnelProcess.ReadToEndAsync(refused));
        }

        Assert.Contains("(tunnel 'mismatch')", await tunnel.WaitForAsync("Session 2 opened"), StringComparison.Ordinal);
        await tunnel.WaitForAsync("Session 2 refused");
    }

    [Fact]
    public async Task Json_EachLogLineIsOneJsonObjectWithItsEvent()
    {
        await using var server = new TlsEchoServer(_fx.Pki.Leaf, _fx.Pki.GenuineChain());
        await using var tunnel = await TunnelProcess.StartAsync([.. To(server.Port, GenuinePolicy()), "--json"]);
        using (var client = await tunnel.ConnectAsync())
        {
            await RoundTripAsync(client, "json");
        }

        await tunnel.WaitForAsync("\"event\":\"session-closed\"");
        var events = tunnel.Log.Split('\n').Select(line => System.Text.Json.JsonDocument.Parse(line).RootElement).ToList();
        Assert.Equal(["listening", "session-opened", "pin-passed", "session-closed"], events.Select(e => e.GetProperty("event").GetString()));
        Assert.All(events.Skip(1), e => Assert.Equal(1, e.GetProperty("session").GetInt64()));
        Assert.Contains("bytes back to the client", events[^1].GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0.0.0.0:7000", "--listen '0.0.0.0:7000' is not a loopback address.")]
    [InlineData("192.0.2.1:7000", "add --dangerous-allow-remote-clients.")]
    [InlineData("127.0.0.1", "--listen '127.0.0.1' is not ADDRESS:PORT")]
    [InlineData("exchange.example:7000", "--listen 'exchange.example:7000' does not name an IP address")]
    public async Task Listen_NotLoopbackOrMalformed_Exit2QuotingIt(string listen, string expected)
    {
        var run = await CliRunner.RunAsync("tunnel", "--listen", listen, "--to", "fix.exchange.example:9443", "--policy", GenuinePolicy());
        Assert.True(run.Exit == 2, run.ToString());
        Assert.Contains(expected, run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadStart_EachProblemIsExit2WithASentence()
    {
        string[] Args(string to, string policy) => ["tunnel", "--listen", "127.0.0.1:0", "--to", to, "--policy", policy];
        var noPort = await CliRunner.RunAsync(Args("api.exchange.test", GenuinePolicy()));
        Assert.Contains("--to 'api.exchange.test' is not HOST:PORT", noPort.Error, StringComparison.Ordinal);

        var uncovered = await CliRunner.RunAsync(Args("other.exchange.test:9443", GenuinePolicy()));
        Assert.Contains("matches 'other.exchange.test', the TLS name of other.exchange.test:9443, so the tunnel would forward unpinned", uncovered.Error, StringComparison.Ordinal);

        var broken = _fx.File("broken.json");
        await File.WriteAllTextAsync(broken, "{\"pinning\": ");
        var unreadable = await CliRunner.RunAsync(Args("api.exchange.test:9443", broken));

        var stdin = await CliRunner.RunAsync(Args("api.exchange.test:9443", "-"));
        Assert.Contains("The tunnel's policy cannot be standard input ('-')", stdin.Error, StringComparison.Ordinal);

        var missing = await CliRunner.RunAsync("tunnel", "--to", "api.exchange.test:9443");
        Assert.Contains("(missing: --listen, --policy), or --config FILE.", missing.Error, StringComparison.Ordinal);

        using var busy = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        busy.Start();
        var inUse = await CliRunner.RunAsync("tunnel", "--listen", busy.LocalEndpoint.ToString()!, "--to", "api.exchange.test:9443", "--policy", GenuinePolicy());
        Assert.Contains($"Cannot listen on {busy.LocalEndpoint}:", inUse.Error, StringComparison.Ordinal);

        foreach (var run in new[] { noPort, uncovered, unreadable, stdin, missing, inUse })
        {
            Assert.True(run.Exit == 2 && run.Error.StartsWith("error: ", StringComparison.Ordinal) && run.Out.Length == 0, run.ToString());
        }
    }

    [Fact]
    public async Task ConfigFile_EveryErrorReportedAtOnce_EachNamingItsTunnel()
    {
        var config = _fx.File("tunnels.json");
        await File.WriteAllTextAsync(config, $$"""
            {
              "tunnels": [
                {"name": "prod", "listen": "0.0.0.0:9001", "to": "fix.exchange.test", "policy": "{{Path.GetFileName(GenuinePolicy())}}"},
                {"name": "uat", "listen": "127.0.0.1:9002", "to": "api.exchange.test:9443", "polcy": "pins.json", "resolve": ["nonsense"]},
                {"name": "copy", "listen": "127.0.0.1:9002", "to": "api.exchange.test:9443", "policy": "{{Path.GetFileName(GenuinePolicy())}}", "caFile": "absent.pem"},
                {"name": "dup", "listen": "127.0.0.1:9003", "to": "api.exchange.test:9443", "policy": "{{Path.GetFileName(GenuinePolicy())}}"},
                {"name": "dup", "listen": "127.0.0.1:9004", "to": "api.exchange.test:9443", "policy": "{{Path.GetFileName(GenuinePolicy())}}"},
                7
              ],
              "drain": "5s"
            }
            """);
        var run = await CliRunner.RunAsync("tunnel", "--config", config);
        Assert.True(run.Exit == 2, run.ToString());
        string[] expected =
        [
            $"'{config}' has 9 errors:",
            "'drain' is not a setting of the file; it has only 'tunnels'.",
            "tunnels[0] ('prod'): 'listen' '0.0.0.0:9001' is not a loopback address.",
            "tunnels[0] ('prod'): 'to' 'fix.exchange.test' is not HOST:PORT",
            "tunnels[1] ('uat'): 'polcy' is not a tunnel setting;",
            "tunnels[1] ('uat'): 'policy' is missing.",
            "tunnels[1] ('uat'): --resolve 'nonsense' is not HOST:PORT:ADDR[,ADDR]",
            $"tunnels[2] ('copy'): 'caFile': '{_fx.File("absent.pem")}' does not exist",
            "2 tunnels are named 'dup'",
            "tunnels[5] is number; a tunnel is an object",
        ];
        foreach (var line in expected)
        {
            Assert.Contains(line, run.Error, StringComparison.Ordinal);
        }

        var both = await CliRunner.RunAsync("tunnel", "--config", config, "--listen", "127.0.0.1:9000");
        Assert.Contains($"--config gives each tunnel its own settings; give --listen in '{config}' instead.", both.Error, StringComparison.Ordinal);
    }

    /// <summary>
    /// The writer stalled within what the buffers on the way can hold, and the tunnel's memory stayed flat meanwhile. On the
    /// way: the writer's socket and its peer's, fixed by the test (<paramref name="fixedBuffers"/>); the tunnel's two sockets
    /// in that direction, a receive buffer and a send buffer, which the kernel may grow up to the maximum of tcp_rmem and of
    /// tcp_wmem; and the tunnel's own buffers. Bytes between the tunnel and the server are TLS records, larger than the
    /// plain bytes they carry, so the plain bytes written are within the bound too.
    /// </summary>
    private static void AssertHeldBack(string writer, long written, long fixedBuffers, TunnelProcess tunnel, long baseline)
    {
        long bound = fixedBuffers + KernelMaximum("tcp_rmem") + KernelMaximum("tcp_wmem") + TunnelSlack;
        Assert.True(bound * 4 <= FlowTotal, $"This machine lets socket buffers grow so large that the buffers on the way hold {bound} bytes; {FlowTotal} bytes is too little to show back-pressure. Raise FlowTotal.");
        var memory = ProcessTree.Memory(tunnel.ProcessId);
        Assert.True(
            written <= bound && memory.Peak <= baseline + MemoryHeadroom,
            $"While the other end read nothing, the {writer} wrote {written} of {FlowTotal} bytes (the buffers on the way hold at most {bound}), and the tunnel's memory peaked at {Mib(memory.Peak)} (from {Mib(baseline)} once the session was open; {Mib(MemoryHeadroom)} more allowed): it took in what it could not pass on.\n{tunnel.Log}");
    }

    /// <summary>The tunnel's peak resident memory, over the whole flow, stayed within the headroom of what it held once the session was open.</summary>
    private static void AssertMemoryFlat(TunnelProcess tunnel, long baseline)
    {
        long peak = ProcessTree.Memory(tunnel.ProcessId).Peak;
        Assert.True(peak <= baseline + MemoryHeadroom, $"While {FlowTotal} bytes passed, the tunnel's memory peaked at {Mib(peak)}, from {Mib(baseline)} once the session was open; {Mib(MemoryHeadroom)} more allowed.\n{tunnel.Log}");
    }

    /// <summary>The most the kernel grows a TCP socket's buffer to: the third number of /proc/sys/net/ipv4/tcp_rmem or tcp_wmem.</summary>
    private static long KernelMaximum(string setting) =>
        long.Parse(File.ReadAllText($"/proc/sys/net/ipv4/{setting}").Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries)[2], CultureInfo.InvariantCulture);

    private static string Mib(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.0} MiB");

    private static byte[] RandomBytes(int count)
    {
        var data = new byte[count];
        new Random(count).NextBytes(data);
        return data;
    }

    /// <summary>Sends a line and reads back the echo of exactly that line.</summary>
    internal static async Task RoundTripAsync(Socket client, string line)
    {
        var bytes = Encoding.ASCII.GetBytes(line + "\n");
        await client.SendAsync(bytes);
        var back = new byte[bytes.Length];
        for (int at = 0; at < back.Length;)
        {
            int read = await client.ReceiveAsync(back.AsMemory(at));
            Assert.True(read > 0, $"The connection closed after {at} of {back.Length} bytes of the echo of '{line}'.");
            at += read;
        }

        Assert.Equal(line + "\n", Encoding.ASCII.GetString(back));
    }


    /// <summary>
    /// One session through a tunnel whose two ends have fixed socket buffers (<see cref="FlowSocketBuffer"/>), so the only
    /// buffers that can grow are the tunnel's own: the flow-control tests' set-up, open and past its pin check.
    /// </summary>
    private sealed record FlowSession(FixedBufferTlsServer Server, TunnelProcess Tunnel, Socket Client, NetworkStream ClientStream, Stream Upstream) : IAsyncDisposable
    {
        public static async Task<FlowSession> OpenAsync(CliFixture fx, Func<int, string, string, string[]> to, string policy, params string[] options)
        {
            var server = new FixedBufferTlsServer(fx.Pki.Leaf, fx.Pki.GenuineChain(), FlowSocketBuffer);
            TunnelProcess? tunnel = null;
            try
            {
                tunnel = await TunnelProcess.StartAsync([.. to(server.Port, policy, TestPki.DefaultHost), .. options]);
                var client = await tunnel.ConnectAsync(bufferSize: FlowSocketBuffer);
                var upstream = await server.AcceptedAsync();
                await tunnel.WaitForAsync("Session 1: the pin check");
                return new FlowSession(server, tunnel, client, new NetworkStream(client), upstream);
            }
            catch
            {
                await (tunnel?.DisposeAsync() ?? ValueTask.CompletedTask);
                await server.DisposeAsync();
                throw;
            }
        }

        public async ValueTask DisposeAsync()
        {
            await ClientStream.DisposeAsync();
            Client.Dispose();
            await Tunnel.DisposeAsync();
            await Server.DisposeAsync();
        }
    }
}
