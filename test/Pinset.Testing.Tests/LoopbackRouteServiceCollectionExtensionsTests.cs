using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Pinset.Extensions;

namespace Pinset.Testing.Tests;

public sealed class LoopbackRouteServiceCollectionExtensionsTests : IAsyncLifetime
{
    private TestBed _bed = null!;

    public async Task InitializeAsync() => _bed = await TestBed.StartAsync();

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    [Fact]
    public async Task AddLoopbackRoute_PinnedNamedClient_ReachesTheGenuineServerAndRefusesTheInterceptorAsTheAppPinnedIt()
    {
        using var genuine = await StartAppAsync(services => services.AddLoopbackRoute(TestBed.Host, _bed.Genuine.Port));
        using var intercepted = await StartAppAsync(services => services.AddLoopbackRoute(TestBed.Host, _bed.Proxy.Port));

        await PinningAssert.GenuineAcceptedAsync(Client(genuine), new Uri("ticker", UriKind.Relative), _bed.Genuine, "exchange");
        var refusal = await PinningAssert.InterceptionRefusedAsync(Client(intercepted), new Uri("ticker", UriKind.Relative), _bed.Proxy, "exchange");

        Assert.Equal(PinValidationOutcome.PinMismatch, refusal.Refusal.Result.Outcome);
        Assert.Equal(1, _bed.Genuine.Requests);
    }

    [Fact]
    public async Task AddLoopbackRoute_AppsOwnConnectCallback_StillConnectsEveryOtherHost()
    {
        var seen = new List<string>();
        using var app = await StartAppAsync(services => services.AddLoopbackRoute(TestBed.Host, _bed.Proxy.Port), () => new SocketsHttpHandler
        {
            ConnectCallback = (context, token) =>
            {
                lock (seen)
                {
                    seen.Add(context.DnsEndPoint.Host);
                }

                return Loopback.ConnectAsync(_bed.Genuine.Port, token);
            },
        });
        var client = Client(app);

        Assert.Equal("hello", await client.GetStringAsync(new Uri("https://other.exchange.test/")));
        await Assert.ThrowsAsync<PinValidationException>(() => client.GetStringAsync(new Uri("ticker", UriKind.Relative)));

        Assert.Equal(["other.exchange.test"], seen);
        Assert.False(_bed.Proxy.ReceivedApplicationData);
    }

    [Fact]
    public async Task AddLoopbackRoute_HttpClientHandlerPrimary_RoutedHostRefusedRatherThanSentToTheRealHost()
    {
        using var app = await StartAppAsync(services => services.AddLoopbackRoute(TestBed.Host, _bed.Genuine.Port), () => new HttpClientHandler());

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Client(app).GetStringAsync(new Uri("ticker", UriKind.Relative)));

        Assert.Equal(
            $"HttpClient 'exchange' sends to '{TestBed.Host}', which the test routes to 127.0.0.1:{_bed.Genuine.Port}, but its primary handler is a 'System.Net.Http.HttpClientHandler', whose connections cannot be routed (only a SocketsHttpHandler's ConnectCallback can be). The request is refused rather than sent to the real host; make the client's primary handler a SocketsHttpHandler (IHttpClientFactory's default).",
            error.Message);
        Assert.Equal(0, _bed.Genuine.Connections);
    }

    [Fact]
    public async Task AddLoopbackRoute_SecondRouteForTheSameHost_ReplacesTheFirst()
    {
        using var app = await StartAppAsync(services => services.AddLoopbackRoute(TestBed.Host, _bed.Proxy.Port).AddLoopbackRoute(TestBed.Host.ToUpperInvariant(), _bed.Genuine.Port));

        Assert.Equal("hello", await Client(app).GetStringAsync(new Uri("ticker", UriKind.Relative)));
        Assert.Empty(_bed.Proxy.Connections);
    }

    private static HttpClient Client(IHost app) => app.Services.GetRequiredService<IHttpClientFactory>().CreateClient("exchange");

    /// <summary>An app pinned as apps are (AddCertificatePinning, a named client with UseCertificatePinning), then the test's route.</summary>
    private async Task<IHost> StartAppAsync(Action<IServiceCollection> route, Func<HttpMessageHandler>? primary = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddCertificatePinning(options =>
        {
            options.Configuration = new PinningConfiguration
            {
                Policies = [new HostPolicyConfiguration { Hosts = ["*.exchange.test"], Pins = [_bed.Pki.Intermediate.Pin.ToString(), TestPki.BackupPin.ToString()] }],
            };
            options.CustomTrustRoots = _bed.Trusted();
        });
        var client = builder.Services.AddHttpClient("exchange", c => c.BaseAddress = _bed.Url());
        if (primary is not null)
        {
            client.ConfigurePrimaryHttpMessageHandler(primary);
        }

        client.UseCertificatePinning();
        route(builder.Services);
        var app = builder.Build();
        await app.StartAsync();
        return app;
    }
}
