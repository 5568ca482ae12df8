using System.Security.Cryptography.X509Certificates;

namespace Pinset.Tests;

/// <summary>
/// The coverage guard sees, through the runtime's own TLS telemetry, a handshake to a pinned host that no Pinset
/// validator saw, and nothing else. The host is this class's own, so handshakes of other tests running in parallel
/// cannot be counted here.
/// </summary>
public sealed class PinningCoverageGuardTests : IDisposable
{
    private const string GuardedHost = "guard.exchange.test";
    private readonly TestPki _pki = new();

    public void Dispose() => _pki.Dispose();

    private CertificatePinner Pinner() => _pki.Pinner(new HostPolicyConfiguration { Hosts = [GuardedHost], Pins = [_pki.Intermediate.Pin.ToString(), TestPki.BackupPin.ToString()] });

    /// <summary>An HttpClient made with <c>new</c> that trusts the test root the ordinary way: validated, but not pinned.</summary>
    private HttpClient UnpinnedClient(int port) => new(Loopback.Route(new SocketsHttpHandler
    {
        SslOptions =
        {
            CertificateChainPolicy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                RevocationMode = X509RevocationMode.NoCheck,
                CustomTrustStore = { _pki.Root.Certificate },
            },
        },
    }, port));

    [Fact]
    public async Task UnpinnedClientToPinnedHost_Detected()
    {
        var seen = new List<UnpinnedHandshake>();
        var pinner = Pinner();
        using var guard = new PinningCoverageGuard(pinner, h => { lock (seen) { seen.Add(h); } });
        await using var server = await KestrelExchange.StartAsync(_pki.Leaf, _pki.GenuineChain());
        using var client = UnpinnedClient(server.Port);

        Assert.Equal("BTC-USD 97000.00", await client.GetStringAsync(new Uri($"https://{GuardedHost}:{server.Port}/ticker")));

        var found = Assert.Single(seen);
        Assert.Equal(GuardedHost, found.Host);
        Assert.Equal(GuardedHost, found.Pattern?.ToString());
        Assert.Equal(1, guard.UnpinnedHandshakeCount);
        Assert.Equal(found, guard.LastUnpinnedHandshake);
    }

    [Fact]
    public async Task UnpinnedClientToHostNoPolicyCovers_NotCounted()
    {
        using var guard = new PinningCoverageGuard(Pinner());
        await using var server = await KestrelExchange.StartAsync(_pki.Leaf, _pki.GenuineChain());
        using var client = UnpinnedClient(server.Port);
        await client.GetStringAsync(new Uri($"https://unguarded.exchange.test:{server.Port}/ticker"));
        Assert.Equal(0, guard.UnpinnedHandshakeCount);
    }

    [Fact]
    public async Task FiveHundredConcurrentPinnedHandshakes_NoFalsePositive()
    {
        var pinner = Pinner();
        using var guard = new PinningCoverageGuard(pinner);
        await using var server = LoopbackTlsServer.Start(_pki.Leaf, _pki.GenuineChain());
        using var client = new HttpClient(Loopback.Route(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.Zero }.UseCertificatePinning(pinner), server.Port));

        var requests = Enumerable.Range(0, 500).Select(_ => client.GetStringAsync(new Uri($"https://{GuardedHost}:{server.Port}/")));
        Assert.All(await Task.WhenAll(requests), body => Assert.Equal("hello", body));

        Assert.Equal(500, server.Handshakes);
        Assert.Equal(0, guard.UnpinnedHandshakeCount);

        // The control: the same guard still sees an unpinned handshake afterwards.
        using var unpinned = UnpinnedClient(server.Port);
        await unpinned.GetStringAsync(new Uri($"https://{GuardedHost}:{server.Port}/"));
        Assert.Equal(1, guard.UnpinnedHandshakeCount);
    }

    [Fact]
    public async Task RefusedPinnedHandshake_NotCountedAsUnpinned()
    {
        var pinner = Pinner();
        using var guard = new PinningCoverageGuard(pinner);
        await using var interceptor = LoopbackTlsServer.Start(_pki.InterceptorLeaf);
        using var client = new HttpClient(Loopback.Route(new SocketsHttpHandler().UseCertificatePinning(pinner), interceptor.Port));
        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetStringAsync(new Uri($"https://{GuardedHost}:{interceptor.Port}/")));
        Assert.Equal(0, guard.UnpinnedHandshakeCount);
    }

    [Fact]
    public async Task Disposed_StopsWatching()
    {
        var guard = new PinningCoverageGuard(Pinner());
        guard.Dispose();
        await using var server = await KestrelExchange.StartAsync(_pki.Leaf, _pki.GenuineChain());
        using var client = UnpinnedClient(server.Port);
        await client.GetStringAsync(new Uri($"https://{GuardedHost}:{server.Port}/ticker"));
        Assert.Equal(0, guard.UnpinnedHandshakeCount);
    }
}
