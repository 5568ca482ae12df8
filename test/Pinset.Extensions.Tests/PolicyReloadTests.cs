using System.Net;
using Microsoft.Extensions.DependencyInjection;

namespace Pinset.Extensions.Tests;

/// <summary>
/// A changed configuration reaches every pinned client, whenever it happens: before the first client exists, between
/// start-up and first use, while requests run; and a change that removes a pin stops the reuse of pooled connections
/// validated with it.
/// </summary>
public sealed class PolicyReloadTests : IAsyncLifetime
{
    private ExchangeServers _servers = null!;

    private TestPki Pki => _servers.Pki;

    public async Task InitializeAsync() => _servers = await ExchangeServers.StartAsync();

    public Task DisposeAsync() => _servers.DisposeAsync().AsTask();

    private Dictionary<string, string?> Pinned(SpkiPin pin) => PinnedHost.Section(["localhost"], [pin, TestPki.BackupPin]);

    private Uri Ticker => new($"https://localhost:{_servers.Genuine.Port}/ticker");

    private static void Exchange(IServiceCollection services) => services.AddHttpClient("exchange").UseCertificatePinning();

    [Fact]
    public async Task ReloadBetweenStartAndFirstUse_AppliesToTheFirstClient()
    {
        await using var host = await PinnedHost.StartAsync(Pinned(Pki.Intermediate.Pin), Pki, Exchange);
        host.Reload(Pinned(Pki.InterceptorRoot.Pin)); // the genuine CA is no longer pinned; no client was made yet

        var client = host.Services.GetRequiredService<IHttpClientFactory>().CreateClient("exchange");
        var refusal = await Assert.ThrowsAsync<PinValidationException>(() => client.GetStringAsync(Ticker));
        Assert.Equal(PinValidationOutcome.PinMismatch, refusal.Result.Outcome);
        Assert.Equal(0, _servers.Genuine.Requests);
    }

    [Fact]
    public async Task ReloadBeforeAnyPinningServiceWasResolved_AppliesToCreateHttpHandler()
    {
        await using var host = await PinnedHost.StartAsync(Pinned(Pki.InterceptorRoot.Pin), Pki);
        host.Reload(Pinned(Pki.Intermediate.Pin));
        using var client = new HttpClient(host.Services.GetRequiredService<CertificatePinning>().CreateHttpHandler());
        Assert.Equal("BTC-USD 97000.00", await client.GetStringAsync(Ticker));
    }

    [Fact]
    public async Task ReloadRemovingThePin_PooledConnectionNotReused()
    {
        await using var host = await PinnedHost.StartAsync(Pinned(Pki.Intermediate.Pin), Pki, Exchange);
        var client = host.Services.GetRequiredService<IHttpClientFactory>().CreateClient("exchange");
        Assert.Equal("BTC-USD 97000.00", await client.GetStringAsync(Ticker));
        Assert.Equal("BTC-USD 97000.00", await client.GetStringAsync(Ticker));
        Assert.Equal(1, _servers.Genuine.Connections);

        host.Reload(Pinned(Pki.InterceptorRoot.Pin));
        var refusal = await Assert.ThrowsAsync<PinValidationException>(() => client.GetStringAsync(Ticker));
        Assert.Contains("Certificate pinning failure!", refusal.Message, StringComparison.Ordinal);
        Assert.Equal(2, _servers.Genuine.Requests);
    }

    [Fact]
    public async Task ReloadKeepingThePin_PooledConnectionReused()
    {
        await using var host = await PinnedHost.StartAsync(Pinned(Pki.Intermediate.Pin), Pki, Exchange);
        var client = host.Services.GetRequiredService<IHttpClientFactory>().CreateClient("exchange");
        Assert.Equal("BTC-USD 97000.00", await client.GetStringAsync(Ticker));
        host.Reload(PinnedHost.Section(["localhost", "ws.exchange.test"], [Pki.Intermediate.Pin, TestPki.BackupPin]));
        Assert.Equal("BTC-USD 97000.00", await client.GetStringAsync(Ticker));
        Assert.Equal(1, _servers.Genuine.Connections);
    }

    [Fact]
    public async Task ReloadDuringConcurrentHandshakes_EveryLaterHandshakeUsesTheNewPolicy()
    {
        await using var host = await PinnedHost.StartAsync(Pinned(Pki.Intermediate.Pin), Pki,
            services => services.AddHttpClient("exchange").UseCertificatePinning().UseSocketsHttpHandler((h, _) => h.PooledConnectionLifetime = TimeSpan.Zero));
        var client = host.Services.GetRequiredService<IHttpClientFactory>().CreateClient("exchange");

        async Task<Exception?> Send()
        {
            try
            {
                await client.GetStringAsync(Ticker);
                return null;
            }
            catch (PinValidationException ex)
            {
                return ex;
            }
        }

        var before = Enumerable.Range(0, 100).Select(_ => Send()).ToList();
        host.Reload(Pinned(Pki.InterceptorRoot.Pin));
        var during = await Task.WhenAll(before);
        var after = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => Send()));

        // In flight while the policy changed: each either passed under the old policy or was refused under the new one.
        Assert.All(during, e => Assert.True(e is null || e.Message.Contains("Certificate pinning failure!", StringComparison.Ordinal), e?.ToString()));
        Assert.All(after, e => Assert.IsType<PinValidationException>(e));
    }

    [Fact]
    public async Task ReloadRemovingThePin_HttpClientHandlerClientsNamedInAWarning()
    {
        await using var host = await PinnedHost.StartAsync(Pinned(Pki.Intermediate.Pin), Pki,
            services => services.AddHttpClient("legacy").UseCertificatePinning().ConfigurePrimaryHttpMessageHandler(() => new HttpClientHandler()));
        var client = host.Services.GetRequiredService<IHttpClientFactory>().CreateClient("legacy");
        Assert.Equal("BTC-USD 97000.00", await client.GetStringAsync(Ticker));

        host.Reload(Pinned(Pki.Root.Pin));
        var warning = Assert.Single(host.Services.GetFakeLogCollector().GetSnapshot(), r => r.Id.Id == 10);
        Assert.Equal("PooledConnectionsNotRechecked", warning.Id.Name);
        Assert.Contains("'legacy'", warning.Message, StringComparison.Ordinal);
        Assert.Contains(Pki.Intermediate.Pin.ToString(), warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddCertificatePinningTwice_Refused()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => PinnedHost.StartAsync(Pinned(Pki.Intermediate.Pin), Pki,
            services => services.AddCertificatePinning(o => o.Configuration = new PinningConfiguration())));
        Assert.Contains("AddCertificatePinning is called a second time", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CustomTrustRootsEmpty_StartUpRefused()
    {
        var error = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => PinnedHost.StartAsync(Pinned(Pki.Intermediate.Pin), Pki,
            services => services.Configure<PinningOptions>(o => o.CustomTrustRoots = [])));
        Assert.Contains(error.Failures, f => f.Contains("CustomTrustRoots is an empty collection", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ReportingCustomTrustRootsEmpty_StartUpRefused()
    {
        var error = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => PinnedHost.StartAsync(Pinned(Pki.Intermediate.Pin), Pki,
            services => services.Configure<PinningOptions>(o => o.Reporting.CustomTrustRoots = [])));
        Assert.Contains(error.Failures, f => f.Contains("Reporting.CustomTrustRoots is an empty collection, which would trust no root at all", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Http3_DemandedExactly_RefusedWithASentence_AllowedIsKeptOnHttp2()
    {
        await using var host = await PinnedHost.StartAsync(Pinned(Pki.Intermediate.Pin), Pki, Exchange);
        var client = host.Services.GetRequiredService<IHttpClientFactory>().CreateClient("exchange");

        using var exact = new HttpRequestMessage(HttpMethod.Get, Ticker) { Version = HttpVersion.Version30, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        var error = await Assert.ThrowsAsync<NotSupportedException>(() => client.SendAsync(exact));
        Assert.Contains("HttpClient 'exchange' is pinned, and this request demands HTTP/3", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, _servers.Genuine.Requests);

        using var orLower = new HttpRequestMessage(HttpMethod.Get, Ticker) { Version = HttpVersion.Version30, VersionPolicy = HttpVersionPolicy.RequestVersionOrLower };
        using var response = await client.SendAsync(orLower);
        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.Equal(HttpVersion.Version20, orLower.Version);

        using var orHigher = new HttpRequestMessage(HttpMethod.Get, Ticker) { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionOrHigher };
        using var second = await client.SendAsync(orHigher);
        Assert.Equal(HttpVersionPolicy.RequestVersionExact, orHigher.VersionPolicy);
        Assert.Equal(HttpVersion.Version20, second.Version);
    }
}
