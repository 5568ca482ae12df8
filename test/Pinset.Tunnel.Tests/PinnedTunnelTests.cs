using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace Pinset.Tunnel.Tests;

/// <summary>
/// <see cref="PinnedTunnel"/> started and stopped by hand, as <c>pinset tunnel</c> runs it: its own connector, the
/// default one failing, half-close, a policy file changed under a running tunnel. Real TLS servers on loopback; every
/// wait is for an event or a peer's bytes.
/// </summary>
public sealed class PinnedTunnelTests : IDisposable
{
    private readonly TunnelBed _bed = new();

    public void Dispose() => _bed.Dispose();

    [Fact]
    public async Task OwnConnector_CalledForEachSession_ToReachAServerWhoseNameDoesNotResolve_TheTlsNameAndPinsStillTheRoutes()
    {
        await using var server = new FixAcceptor(_bed.Pki.Leaf, _bed.Pki.GenuineChain());
        var asked = new List<PinnedTunnelRoute>();
        var route = _bed.Route(9443, _bed.GenuinePolicy()) with
        {
            Host = TestPki.DefaultHost,
            Connector = async (route, cancellationToken) =>
            {
                lock (asked)
                {
                    asked.Add(route);
                }

                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, server.Port), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        using var events = new TunnelEvents();
        await using var tunnel = await PinnedTunnel.StartAsync(Options(route), events);

        for (int i = 1; i <= 2; i++)
        {
            using var client = await TunnelBed.ConnectAsync(tunnel.Endpoints[0].Port);
            await using var engine = new FixInitiator(client);
            Assert.Equal("A", (await engine.AskAsync(FixMessage.Logon(30))).Type);
        }

        Assert.Equal([route, route], asked);
        Assert.Contains($"Session 2: the pin check of '{TestPki.DefaultHost}' passed", (await events.WaitForAsync("pin-passed", "Session 2")).Message, StringComparison.Ordinal);
        Assert.Equal(2, server.Handshakes);
    }

    [Fact]
    public async Task DefaultConnector_NothingListensThere_TheSessionEndsWithASentence_AndTheTunnelGoesOn()
    {
        int closed;
        using (var gone = new TcpListener(IPAddress.Loopback, 0))
        {
            gone.Start();
            closed = ((IPEndPoint)gone.LocalEndpoint).Port;
        }

        using var events = new TunnelEvents();
        await using var tunnel = await PinnedTunnel.StartAsync(Options(_bed.Route(closed, _bed.GenuinePolicy())), events);
        using (var client = await TunnelBed.ConnectAsync(tunnel.Endpoints[0].Port))
        {
            Assert.Equal(0, await client.ReceiveAsync(new byte[16]));
        }

        var failed = await events.WaitForAsync("connect-failed");
        Assert.Equal(8, failed.Id.Id);
        Assert.StartsWith($"Session 1: Could not connect to 'localhost:{closed}': ", failed.Message, StringComparison.Ordinal);
        Assert.EndsWith(" The client's connection is closed.", failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClientHalfCloses_TheServerStillAnswersEverything_ThenBothClose()
    {
        await using var server = new TlsEchoServer(_bed.Pki.Leaf, _bed.Pki.GenuineChain());
        using var events = new TunnelEvents();
        await using var tunnel = await PinnedTunnel.StartAsync(Options(_bed.Route(server.Port, _bed.GenuinePolicy())), events);
        using var client = await TunnelBed.ConnectAsync(tunnel.Endpoints[0].Port);
        await using var stream = new NetworkStream(client, ownsSocket: false);
        var data = new byte[300_000];
        new Random(7).NextBytes(data);
        await stream.WriteAsync(data);
        client.Shutdown(SocketShutdown.Send);
        using var back = new MemoryStream();
        await stream.CopyToAsync(back).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(SHA256.HashData(data), SHA256.HashData(back.ToArray()));
        Assert.Equal(SHA256.HashData(data), SHA256.HashData(await server.ReceivedAsync(0)));
        var closed = await events.WaitForAsync("session-closed");
        Assert.Contains($"Session 1 closed by both sides after", closed.Message, StringComparison.Ordinal);
        Assert.EndsWith($"s: 300000 bytes to localhost:{server.Port}, 300000 bytes back to the client.", closed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PolicyFileChanged_TheNextConnectionIsJudgedByIt_AndABrokenFileKeepsTheLastGoodPolicy_SaidOnce()
    {
        await using var server = new FixAcceptor(_bed.Pki.Leaf, _bed.Pki.GenuineChain());
        var policy = _bed.GenuinePolicy();
        var genuine = await File.ReadAllTextAsync(policy);
        using var events = new TunnelEvents();
        await using var tunnel = await PinnedTunnel.StartAsync(Options(_bed.Route(server.Port, policy)), events);
        int port = tunnel.Endpoints[0].Port;

        await File.WriteAllTextAsync(policy, await File.ReadAllTextAsync(_bed.MismatchPolicy()));
        using (var second = await TunnelBed.ConnectAsync(port))
        {
            Assert.Equal(0, await second.ReceiveAsync(new byte[16]));
        }

        Assert.Equal(14, (await events.WaitForAsync("policy-reloaded")).Id.Id);
        await events.WaitForAsync("pin-refused", "Session 1 refused");

        await File.WriteAllTextAsync(policy, "{ not json");
        for (int i = 2; i <= 3; i++)
        {
            using var refused = await TunnelBed.ConnectAsync(port);
            Assert.Equal(0, await refused.ReceiveAsync(new byte[16]));
            await events.WaitForAsync("pin-refused", $"Session {i} refused");
        }

        var failed = Assert.Single(events.All, e => e.Id.Name == "policy-reload-failed");
        Assert.StartsWith($"Policy '{policy}' changed but does not load; the last good policy stays in force. ", failed.Message, StringComparison.Ordinal);

        await File.WriteAllTextAsync(policy, genuine);
        using (var fixedUp = await TunnelBed.ConnectAsync(port))
        {
            await using var engine = new FixInitiator(fixedUp);
            Assert.Equal("A", (await engine.AskAsync(FixMessage.Logon(30))).Type);
        }

        Assert.Single(server.Received);
    }

    [Fact]
    public async Task PolicyFileRewrittenAlreadyExpired_RefusedAsAFileThatDoesNotLoad_TheNextSessionJudgedByTheLastGoodPolicy()
    {
        await using var server = new FixAcceptor(_bed.Pki.Leaf, _bed.Pki.GenuineChain());
        var policy = _bed.GenuinePolicy();
        using var events = new TunnelEvents();
        await using var tunnel = await PinnedTunnel.StartAsync(Options(_bed.Route(server.Port, policy)), events);

        await File.WriteAllTextAsync(policy, await File.ReadAllTextAsync(_bed.GenuinePolicy(""", "expires": "2020-01-01T00:00:00Z" """)));
        using (var client = await TunnelBed.ConnectAsync(tunnel.Endpoints[0].Port))
        {
            await using var engine = new FixInitiator(client);
            Assert.Equal("A", (await engine.AskAsync(FixMessage.Logon(30))).Type);
        }

        var failed = await events.WaitForAsync("policy-reload-failed");
        Assert.Contains("the last good policy stays in force. The policy pinning 'localhost' in ", failed.Message, StringComparison.Ordinal);
        Assert.Contains("An expired policy pins nothing, and the tunnel never forwards unpinned", failed.Message, StringComparison.Ordinal);
        await events.WaitForAsync("pin-passed", "Session 1");
    }

    [Fact]
    public async Task StopAsync_EveryCallIsTheOneStop_AndEndpointsNameThePortsTheSystemChose()
    {
        await using var server = new TlsEchoServer(_bed.Pki.Leaf, _bed.Pki.GenuineChain());
        using var events = new TunnelEvents();
        var first = _bed.Route(server.Port, _bed.GenuinePolicy()) with { Name = "one" };
        var second = first with { Name = "two" };
        await using var tunnel = await PinnedTunnel.StartAsync(Options(first, second), events);

        Assert.Equal(events.ListeningPorts(), tunnel.Endpoints.Select(e => e.Port));
        Assert.All(tunnel.Endpoints, e => Assert.True(e.Port != 0 && IPAddress.IsLoopback(e.Address), e.ToString()));
        Assert.Contains("(tunnel 'two'): each connection is forwarded to", events.All[1].Message, StringComparison.Ordinal);
        var stop = tunnel.StopAsync();
        Assert.Same(stop, tunnel.StopAsync());
        await stop;
        Assert.Single(events.All, e => e.Id.Name == "stopped");
    }

    private static PinnedTunnelOptions Options(params PinnedTunnelRoute[] routes)
    {
        var options = new PinnedTunnelOptions();
        foreach (var route in routes)
        {
            options.Routes.Add(route);
        }

        return options;
    }
}
