using System.Security.Cryptography.X509Certificates;
using Grpc.Net.ClientFactory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;
using Pinset.TestSupport.Grpc;

namespace Pinset.Extensions.Tests;

/// <summary>
/// An app that turned on <see cref="PinningOptions.DetectUnpinnedHandshakes"/> learns, from a warning, a metric and its
/// health check, that some client in the process reached a pinned host without Pinset; and the health check reports an
/// expired or stale policy. The pinned host is this class's own, so other tests' handshakes cannot be counted.
/// </summary>
public sealed class CoverageAndHealthTests : IAsyncLifetime
{
    private const string Guarded = "coverage.exchange.test";
    private ExchangeServers _servers = null!;

    private TestPki Pki => _servers.Pki;

    public async Task InitializeAsync() => _servers = await ExchangeServers.StartAsync();

    public Task DisposeAsync() => _servers.DisposeAsync().AsTask();

    private Uri TickerUrl => new($"https://{Guarded}:{_servers.Genuine.Port}/ticker");

    private Dictionary<string, string?> Policy(string? expires = null)
    {
        var values = PinnedHost.Section([Guarded], [Pki.Intermediate.Pin, TestPki.BackupPin]);
        if (expires is not null)
        {
            values["pinning:policies:0:expires"] = expires;
        }

        return values;
    }

    private void Register(IServiceCollection services, bool detect = true, TimeProvider? time = null)
    {
        services.Configure<PinningOptions>(o => o.DetectUnpinnedHandshakes = detect);
        services.AddHealthChecks().AddCertificatePinning();
        services.AddHttpClient("exchange").UseCertificatePinning().ConfigurePrimaryHttpMessageHandler(() => PinnedHost.RouteTo(_servers.Genuine.Port));
        if (time is not null)
        {
            services.AddSingleton(time);
        }
    }

    /// <summary>A client someone made with <c>new</c>: validated by the platform, not pinned.</summary>
    private HttpClient Unpinned() => new(UnpinnedHandler());

    private SocketsHttpHandler UnpinnedHandler() => PinnedHost.RouteTo(_servers.Genuine.Port, new SocketsHttpHandler
    {
        SslOptions =
        {
            CertificateChainPolicy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                RevocationMode = X509RevocationMode.NoCheck,
                CustomTrustStore = { Pki.Root.Certificate },
            },
        },
    });

    private static Task<HealthReport> Health(PinnedHost host) => host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

    [Fact]
    public async Task UnpinnedClientToPinnedHost_WarnedCountedAndUnhealthy()
    {
        await using var host = await PinnedHost.StartAsync(Policy(), Pki, s => Register(s));
        using var unpinned = new MetricCollector<long>(host.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), PinningMetricNames.Meter, PinningMetricNames.UnpinnedHandshakes);

        var pinned = host.Services.GetRequiredService<IHttpClientFactory>().CreateClient("exchange");
        Assert.Equal("BTC-USD 97000.00", await pinned.GetStringAsync(TickerUrl));
        Assert.Equal(HealthStatus.Healthy, (await Health(host)).Status);

        using (var bypass = Unpinned())
        {
            Assert.Equal("BTC-USD 97000.00", await bypass.GetStringAsync(TickerUrl));
        }

        var warning = Assert.Single(host.Services.GetFakeLogCollector().GetSnapshot(), r => r.Id.Id == 9);
        Assert.Equal("UnpinnedHandshake", warning.Id.Name);
        Assert.Contains($"'{Guarded}'", warning.Message, StringComparison.Ordinal);
        var measurement = Assert.Single(unpinned.GetMeasurementSnapshot());
        Assert.Equal(Guarded, measurement.Tags[PinningMetricNames.HostTag]);
        var report = await Health(host);
        Assert.Equal(HealthStatus.Unhealthy, report.Status);
        Assert.Contains($"the latest to '{Guarded}'", report.Entries["pinset"].Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GrpcChannelGivenItsOwnHandler_BypassDetected()
    {
        // ConfigureChannel's HttpHandler replaces the factory's pinned handler: a wiring Pinset cannot see at start-up.
        await using var host = await PinnedHost.StartAsync(Policy(), Pki, services =>
        {
            Register(services);
            services.AddGrpcClient<Ticker.TickerClient>(o => o.Address = TickerUrl)
                .UseCertificatePinning()
                .ConfigureChannel(channel => channel.HttpHandler = UnpinnedHandler());
        });
        var reply = await host.Services.GetRequiredService<GrpcClientFactory>().CreateClient<Ticker.TickerClient>(nameof(Ticker.TickerClient)).GetPriceAsync(new PriceRequest { Symbol = "BTC-USD" });
        Assert.Equal("97000.00", reply.Price);
        Assert.Single(host.Services.GetFakeLogCollector().GetSnapshot(), r => r.Id.Id == 9);
        Assert.Equal(HealthStatus.Unhealthy, (await Health(host)).Status);
    }

    [Fact]
    public async Task DetectionOff_BypassNotWatched_Healthy()
    {
        await using var host = await PinnedHost.StartAsync(Policy(), Pki, s => Register(s, detect: false));
        using (var bypass = Unpinned())
        {
            await bypass.GetStringAsync(TickerUrl);
        }

        Assert.DoesNotContain(host.Services.GetFakeLogCollector().GetSnapshot(), r => r.Id.Id == 9);
        var report = await Health(host);
        Assert.Equal(HealthStatus.Healthy, report.Status);
        Assert.Equal(false, report.Entries["pinset"].Data["detectUnpinnedHandshakes"]);
    }

    [Fact]
    public async Task PolicyExpiringThenExpired_DegradedThenUnhealthy()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var host = await PinnedHost.StartAsync(Policy(expires: "2027-03-01T00:00:00Z"), Pki, s => Register(s, time: time));
        Assert.Equal(HealthStatus.Healthy, (await Health(host)).Status);

        time.Advance(TimeSpan.FromDays(40));
        var soon = await Health(host);
        Assert.Equal(HealthStatus.Degraded, soon.Status);
        Assert.Contains("expires within 30 days", soon.Entries["pinset"].Description, StringComparison.Ordinal);

        time.Advance(TimeSpan.FromDays(30));
        var expired = await Health(host);
        Assert.Equal(HealthStatus.Unhealthy, expired.Status);
        Assert.Contains("has expired, so its hosts are no longer pinned", expired.Entries["pinset"].Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RefusedReload_Degraded_GoodReload_HealthyAgain()
    {
        await using var host = await PinnedHost.StartAsync(Policy(), Pki, s => Register(s));
        host.Reload(PinnedHost.Section(["**.com"], [TestPki.BackupPin]));
        var stale = await Health(host);
        Assert.Equal(HealthStatus.Degraded, stale.Status);
        Assert.Contains("latest pinning configuration was refused", stale.Entries["pinset"].Description, StringComparison.Ordinal);

        host.Reload(Policy());
        Assert.Equal(HealthStatus.Healthy, (await Health(host)).Status);
    }
}
