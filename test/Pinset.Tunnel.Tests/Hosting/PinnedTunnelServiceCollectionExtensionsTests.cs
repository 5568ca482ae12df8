using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Pinset.Tunnel.Tests.Hosting;

/// <summary>
/// The tunnel as an app runs it in-process: <c>AddPinnedTunnel</c> on the generic host, a FIX initiator speaking plain
/// TCP to it as QuickFIX/n would with <c>SSLEnable=N</c>, and a broker's FIX acceptor over real TLS on loopback behind
/// it. Every wait is for an event the tunnel logs or a message a peer sends; where time matters, the app's clock is a
/// <see cref="FakeTimeProvider"/> the test moves.
/// </summary>
public sealed class PinnedTunnelServiceCollectionExtensionsTests : IDisposable
{
    private readonly TunnelBed _bed = new();

    public void Dispose() => _bed.Dispose();

    [Fact]
    public async Task FixSession_ThroughTheAppsTunnel_LogonTestRequestsLogout_EachAnsweredInOrder_EventsWithStableIdsAndNames()
    {
        await using var broker = new FixAcceptor(_bed.Pki.Leaf, _bed.Pki.GenuineChain());
        using var events = new TunnelEvents();
        using var host = TunnelBed.Host(events, t => t.Routes.Add(_bed.Route(broker.Port, _bed.GenuinePolicy())));
        await host.StartAsync();

        using (var client = await TunnelBed.ConnectAsync(events.ListeningPorts().Single()))
        {
            await using var engine = new FixInitiator(client);
            Assert.Equal("A", (await engine.AskAsync(FixMessage.Logon(30))).Type);
            for (int i = 1; i <= 200; i++)
            {
                var heartbeat = await engine.AskAsync(FixMessage.TestRequest($"TR{i}"));
                Assert.Equal(("0", $"TR{i}"), (heartbeat.Type, heartbeat[112]));
            }

            Assert.Equal("5", (await engine.AskAsync(FixMessage.Logout())).Type);
            Assert.Null(await engine.ReadAsync());
            client.Shutdown(SocketShutdown.Send);
            Assert.Contains("closed by both sides", (await events.WaitForAsync("session-closed")).Message, StringComparison.Ordinal);
        }

        Assert.Equal(202, broker.Received.Count);
        Assert.Equal(
            [(1, "listening", LogLevel.Information), (2, "session-opened", LogLevel.Information), (3, "pin-passed", LogLevel.Information), (12, "session-closed", LogLevel.Information)],
            events.All.Select(e => (e.Id.Id, e.Id.Name, e.Level)));
        Assert.All(events.All.Skip(1), e => Assert.Equal(1, e.Session));
        Assert.Contains($"validated and pinned by '", events.All[0].Message, StringComparison.Ordinal);
        await host.StopAsync();
        Assert.Equal("Stopped: no new connections are accepted, and no session was open.", (await events.WaitForAsync("stopped")).Message);
    }

    [Fact]
    public async Task InterceptorWithATrustedCa_TheSessionIsRefusedWithTheFailureBlock_AndTheBrokerNeverSeesTheLogon()
    {
        await using var interceptor = new FixAcceptor(_bed.Pki.InterceptorLeaf, [_bed.Pki.InterceptorLeaf]);
        using var events = new TunnelEvents();
        using var host = TunnelBed.Host(events, t => t.Routes.Add(_bed.Route(interceptor.Port, _bed.GenuinePolicy())));
        await host.StartAsync();

        // The engine sends its Logon at once, password and all: the tunnel must not read it, let alone forward it.
        using (var client = await TunnelBed.ConnectAsync(events.ListeningPorts().Single()))
        {
            await using var engine = new FixInitiator(client);
            await engine.SendAsync(new FixMessage("A", [(98, "0"), (108, "30"), (554, "secret")]));
            Assert.Null(await engine.ReadAsync());
        }

        var refused = await events.WaitForAsync("pin-refused");
        Assert.Equal((5, LogLevel.Error, 1L), (refused.Id.Id, refused.Level, refused.Session));
        Assert.StartsWith("Session 1 refused: localhost:", refused.Message, StringComparison.Ordinal);
        Assert.Contains("Certificate pinning failure! No pinned key is in the validated chain; the connection was refused.", refused.Message, StringComparison.Ordinal);
        Assert.Contains("CN=Interceptor Root CA", refused.Message, StringComparison.Ordinal);
        Assert.Contains("closed without forwarding", (await events.WaitForAsync("session-closed")).Message, StringComparison.Ordinal);
        Assert.Empty(interceptor.Received);
        await host.StopAsync();
    }

    [Fact]
    public async Task ExpiredPolicy_TheAppDoesNotStart_TheExceptionSaysWhy_AndNothingListens()
    {
        await using var broker = new FixAcceptor(_bed.Pki.Leaf, _bed.Pki.GenuineChain());
        var expired = _bed.GenuinePolicy(""", "expires": "2020-01-01T00:00:00Z" """);
        using var events = new TunnelEvents();
        using var host = TunnelBed.Host(events, t => t.Routes.Add(_bed.Route(broker.Port, expired)));

        var refused = await Assert.ThrowsAsync<PinnedTunnelException>(() => host.StartAsync());
        Assert.Equal(
            $"The policy pinning 'localhost' in '{expired}' (pinning.policies[0] [api.exchange.test, localhost] enforce, expires 2020-01-01T00:00:00Z) expired on 2020-01-01T00:00:00Z. An expired policy pins nothing, and the tunnel never forwards unpinned; renew it (a later 'expires', or none).",
            refused.Message);
        Assert.Empty(events.All);
    }

    [Fact]
    public async Task ListenAddressNotOnLoopback_TheAppDoesNotStart_UnlessDangerousAllowRemoteClients()
    {
        await using var broker = new FixAcceptor(_bed.Pki.Leaf, _bed.Pki.GenuineChain());
        var route = _bed.Route(broker.Port, _bed.GenuinePolicy()) with { Listen = new IPEndPoint(IPAddress.Any, 0) };
        using (var events = new TunnelEvents())
        using (var host = TunnelBed.Host(events, t => t.Routes.Add(route)))
        {
            var refused = await Assert.ThrowsAsync<PinnedTunnelException>(() => host.StartAsync());
            Assert.StartsWith("Routes[0]: Listen '0.0.0.0:0' is not a loopback address. Whoever can connect to a tunnel reaches the server through your pinned connection, as you:", refused.Message, StringComparison.Ordinal);
            Assert.EndsWith("set DangerousAllowRemoteClients.", refused.Message, StringComparison.Ordinal);
        }

        using (var events = new TunnelEvents())
        using (var host = TunnelBed.Host(events, t =>
        {
            t.Routes.Add(route);
            t.DangerousAllowRemoteClients = true;
        }))
        {
            await host.StartAsync();
            using (var client = await TunnelBed.ConnectAsync(events.ListeningPorts().Single()))
            {
                await using var engine = new FixInitiator(client);
                Assert.Equal("A", (await engine.AskAsync(FixMessage.Logon(30))).Type);
            }

            await events.WaitForAsync("session-closed");
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task OptionsWithSeveralProblems_EveryProblemReportedAtOnce_EachNamingItsRoute()
    {
        using var events = new TunnelEvents();
        using var host = TunnelBed.Host(events, t =>
        {
            t.Routes.Add(new PinnedTunnelRoute { Name = "fix", Listen = new IPEndPoint(IPAddress.Loopback, 9001), Host = "fix.broker.example", Port = 0, PolicyPath = " " });
            t.Routes.Add(new PinnedTunnelRoute { Name = "FIX", Listen = new IPEndPoint(IPAddress.Loopback, 9001), Host = "fix.broker.example", Port = 9443, PolicyPath = "pins.json", ConnectTimeout = TimeSpan.Zero });
            t.IdleTimeout = TimeSpan.FromSeconds(-1);
        });

        var refused = await Assert.ThrowsAsync<PinnedTunnelException>(() => host.StartAsync());
        string[] expected =
        [
            "The tunnel's options have 6 problems:",
            "Routes[0] ('fix'): the server 'fix.broker.example:0' is not a host and a port from 1 to 65535; set Host and Port.",
            "Routes[0] ('fix'): PolicyPath is empty; give the JSON policy file that pins 'fix.broker.example', as the tunnel never forwards unpinned.",
            "Routes[1] ('FIX'): ConnectTimeout is '00:00:00'; give a time above zero, such as 10 seconds.",
            "'fix' and 'FIX' all listen on 127.0.0.1:9001; give each tunnel its own port.",
            "2 tunnels are named 'fix'; give each its own name, as the logs name them.",
            "IdleTimeout is '-00:00:01'; give a time above zero.",
        ];
        Assert.Equal(string.Join("\n  ", expected), refused.Message);
    }

    [Fact]
    public async Task PolicyExpiresWhileTheAppRuns_WarnedThenSaidAtThatMoment_NewSessionsRefusedUnforwarded_TheOpenOneGoesOn()
    {
        var time = TunnelBed.Clock();
        await using var broker = new FixAcceptor(_bed.Pki.Leaf, _bed.Pki.GenuineChain());
        var policy = _bed.GenuinePolicy($$""", "expires": "{{time.GetUtcNow().AddHours(2):yyyy-MM-dd'T'HH:mm:ss'Z'}}" """);
        using var events = new TunnelEvents();
        using var host = TunnelBed.Host(events, t => t.Routes.Add(_bed.Route(broker.Port, policy)), time);
        await host.StartAsync();
        var warning = await events.WaitForAsync("policy-expiring");
        Assert.Equal((16, LogLevel.Warning), (warning.Id.Id, warning.Level));
        Assert.Contains("in 2 hours: from then the tunnel refuses every new session. Renew it before.", warning.Message, StringComparison.Ordinal);

        using var open = await TunnelBed.ConnectAsync(events.ListeningPorts().Single());
        await using var engine = new FixInitiator(open);
        Assert.Equal("A", (await engine.AskAsync(FixMessage.Logon(30))).Type);

        time.Advance(TimeSpan.FromHours(2));
        var expired = await events.WaitForAsync("policy-expired", "The policy in force has expired");
        Assert.Equal((17, LogLevel.Error, (long?)null), (expired.Id.Id, expired.Level, expired.Session));

        using (var late = await TunnelBed.ConnectAsync(events.ListeningPorts().Single()))
        {
            await using var lateEngine = new FixInitiator(late);
            await lateEngine.SendAsync(FixMessage.Logon(30));
            Assert.Null(await lateEngine.ReadAsync());
        }

        var refused = await events.WaitForAsync("policy-expired", "Session 2 refused");
        Assert.Equal((7, 2L), (refused.Id.Id, refused.Session));
        Assert.Equal(1, broker.Handshakes);

        // The session opened under the policy goes on: its server's keys were pinned when it opened.
        Assert.Equal("TR", (await engine.AskAsync(FixMessage.TestRequest("TR")))[112]);
        Assert.Equal("5", (await engine.AskAsync(FixMessage.Logout())).Type);
        open.Shutdown(SocketShutdown.Send);
        await events.WaitForAsync("session-closed", "Session 1");
        await host.StopAsync();
    }

    [Fact]
    public async Task AppStops_TheOpenSessionMayFinishForTheDrainTimeout_OnTheAppsClock_ThenItIsCut()
    {
        var time = TunnelBed.Clock();
        await using var broker = new FixAcceptor(_bed.Pki.Leaf, _bed.Pki.GenuineChain());
        using var events = new TunnelEvents();
        using var host = TunnelBed.Host(events, t => t.Routes.Add(_bed.Route(broker.Port, _bed.GenuinePolicy())), time);
        await host.StartAsync();
        int port = events.ListeningPorts().Single();
        using var client = await TunnelBed.ConnectAsync(port);
        await using var engine = new FixInitiator(client);
        Assert.Equal("A", (await engine.AskAsync(FixMessage.Logon(30))).Type);

        var stopping = host.StopAsync();
        Assert.Equal("Stopping: no new connections are accepted; waiting up to 30 seconds (DrainTimeout) for 1 open session to end.", (await events.WaitForAsync("stopping")).Message);
        var late = await Assert.ThrowsAsync<SocketException>(() => TunnelBed.ConnectAsync(port));
        Assert.Equal(SocketError.ConnectionRefused, late.SocketErrorCode);
        Assert.Equal("TR", (await engine.AskAsync(FixMessage.TestRequest("TR")))[112]);

        time.Advance(TimeSpan.FromSeconds(30));
        await stopping.WaitAsync(TimeSpan.FromSeconds(60));
        var stopped = await events.WaitForAsync("stopped");
        Assert.Equal((22, LogLevel.Warning, "Stopped: 1 session was still open after 30 seconds (DrainTimeout) and was cut."), (stopped.Id.Id, stopped.Level, stopped.Message));
        Assert.Contains("cut: the tunnel stopped before the session ended (DrainTimeout)", (await events.WaitForAsync("session-closed")).Message, StringComparison.Ordinal);
        Assert.Null(await engine.ReadAsync());
    }
}
