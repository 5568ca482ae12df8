using Grpc.Net.ClientFactory;
using Microsoft.Extensions.DependencyInjection;
using Pinset.TestSupport.Grpc;

namespace Pinset.Extensions.Tests;

/// <summary>
/// Every way an app on the generic host asks IHttpClientFactory for a pinned client, written as the app would: the
/// genuine server answers, the interceptor (whose CA the app trusts) is refused before a request reaches it. The policy
/// pins <c>localhost</c>, so the routes that leave the primary handler to the factory need no routing of ours.
/// </summary>
public sealed class WiringRouteTests : IAsyncLifetime
{
    private ExchangeServers _servers = null!;

    private TestPki Pki => _servers.Pki;

    public enum Route
    {
        Named,
        Typed,
        Keyed,
        Unnamed,
        DefaultsPinEveryNamedClient,
        DefaultsPinUnregisteredName,
        DefaultsPinTypedClient,
        PrimaryHandlerBeforePinning,
        PrimaryHandlerAfterPinning,
        PrimaryHttpClientHandler,
        PrimaryConfiguredInPlace,
        DefaultsConfigurePrimaryInPlace,
        UseSocketsHttpHandler,
        HandlerAddedAfterPinning,
        StandardResilienceHandler,
        StandardHedgingHandler,
        DelegatingPrimaryHandler,
        PinnedTwice,
        PinnedBeforeRegistration,
    }

    public async Task InitializeAsync() => _servers = await ExchangeServers.StartAsync();

    public Task DisposeAsync() => _servers.DisposeAsync().AsTask();

    private sealed class TickerApi(HttpClient http)
    {
        public HttpClient Http => http;
    }

    private sealed class RelayHandler : DelegatingHandler;

    private Dictionary<string, string?> Policy => PinnedHost.Section(["localhost"], [Pki.Intermediate.Pin, TestPki.BackupPin]);

    public static TheoryData<Route> Routes => new(Enum.GetValues<Route>());

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Route_GenuineAnswers_InterceptorRefusedBeforeAnyRequest(Route route)
    {
        await using var host = await PinnedHost.StartAsync(Policy, Pki, services => Register(services, route));
        var client = Resolve(host.Services, route);

        Assert.Equal("BTC-USD 97000.00", await client.GetStringAsync(new Uri($"https://localhost:{_servers.Genuine.Port}/ticker")));
        var refusal = await Assert.ThrowsAsync<PinValidationException>(() => client.GetStringAsync(new Uri($"https://localhost:{_servers.Interceptor.Port}/ticker")));
        Assert.Equal(PinValidationOutcome.PinMismatch, refusal.Result.Outcome);
        Assert.Equal(0, _servers.Interceptor.Requests);
    }

    [Fact]
    public async Task GrpcClientFactory_GenuineAnswers_InterceptorRefused()
    {
        await using var host = await PinnedHost.StartAsync(Policy, Pki, services =>
        {
            services.AddGrpcClient<Ticker.TickerClient>("genuine", o => o.Address = new Uri($"https://localhost:{_servers.Genuine.Port}")).UseCertificatePinning();
            services.AddGrpcClient<Ticker.TickerClient>("interceptor", o => o.Address = new Uri($"https://localhost:{_servers.Interceptor.Port}")).UseCertificatePinning();
        });
        var clients = host.Services.GetRequiredService<GrpcClientFactory>();

        var reply = await clients.CreateClient<Ticker.TickerClient>("genuine").GetPriceAsync(new PriceRequest { Symbol = "BTC-USD" });
        Assert.Equal("97000.00", reply.Price);
        var error = await Assert.ThrowsAsync<global::Grpc.Core.RpcException>(() => clients.CreateClient<Ticker.TickerClient>("interceptor").GetPriceAsync(new PriceRequest { Symbol = "BTC-USD" }).ResponseAsync);
        Assert.IsType<PinValidationException>(error.Status.DebugException);
        Assert.Equal(0, _servers.Interceptor.Requests);
    }

    private static void Register(IServiceCollection services, Route route)
    {
        switch (route)
        {
            case Route.Named:
                services.AddHttpClient("exchange").UseCertificatePinning();
                break;
            case Route.Typed:
                services.AddHttpClient<TickerApi>().UseCertificatePinning();
                break;
            case Route.Keyed:
                services.AddHttpClient("exchange").AddAsKeyed().UseCertificatePinning();
                break;
            case Route.Unnamed:
                services.AddHttpClient(Microsoft.Extensions.Options.Options.DefaultName).UseCertificatePinning();
                break;
            case Route.DefaultsPinEveryNamedClient or Route.DefaultsPinUnregisteredName:
                services.ConfigureHttpClientDefaults(builder => builder.UseCertificatePinning());
                services.AddHttpClient("exchange");
                break;
            case Route.DefaultsPinTypedClient:
                services.ConfigureHttpClientDefaults(builder => builder.UseCertificatePinning());
                services.AddHttpClient<TickerApi>();
                break;
            case Route.PrimaryHandlerBeforePinning:
                services.AddHttpClient("exchange").ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler()).UseCertificatePinning();
                break;
            case Route.PrimaryHandlerAfterPinning:
                services.AddHttpClient("exchange").UseCertificatePinning().ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler());
                break;
            case Route.PrimaryHttpClientHandler:
                services.AddHttpClient("exchange").UseCertificatePinning().ConfigurePrimaryHttpMessageHandler(() => new HttpClientHandler());
                break;
            case Route.PrimaryConfiguredInPlace:
                services.AddHttpClient("exchange").UseCertificatePinning().ConfigurePrimaryHttpMessageHandler((handler, _) => ((SocketsHttpHandler)handler).UseCookies = false);
                break;
            case Route.DefaultsConfigurePrimaryInPlace:
                services.ConfigureHttpClientDefaults(builder => builder
                    .ConfigurePrimaryHttpMessageHandler((handler, _) => ((SocketsHttpHandler)handler).PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30))
                    .UseCertificatePinning());
                break;
            case Route.UseSocketsHttpHandler:
                services.AddHttpClient("exchange").UseCertificatePinning().UseSocketsHttpHandler((handler, _) => handler.EnableMultipleHttp2Connections = true);
                break;
            case Route.HandlerAddedAfterPinning:
                services.AddHttpClient("exchange").UseCertificatePinning().AddHttpMessageHandler(() => new RelayHandler());
                break;
            case Route.StandardResilienceHandler:
                services.AddHttpClient("exchange").UseCertificatePinning().AddStandardResilienceHandler();
                break;
            case Route.StandardHedgingHandler:
                services.AddHttpClient("exchange").UseCertificatePinning().AddStandardHedgingHandler();
                break;
            case Route.DelegatingPrimaryHandler:
                services.AddHttpClient("exchange").UseCertificatePinning().ConfigurePrimaryHttpMessageHandler(() => new RelayHandler { InnerHandler = new SocketsHttpHandler() });
                break;
            case Route.PinnedTwice:
                services.AddHttpClient("exchange").UseCertificatePinning().ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler()).UseCertificatePinning();
                break;
            case Route.PinnedBeforeRegistration:
                // PinnedHost registers pinning before this runs; the reverse order is covered by ServiceCollectionOrder below.
                services.AddHttpClient("exchange").UseCertificatePinning();
                break;
        }
    }

    private static HttpClient Resolve(IServiceProvider services, Route route) => route switch
    {
        Route.Typed or Route.DefaultsPinTypedClient => services.GetRequiredService<TickerApi>().Http,
        Route.Keyed => services.GetRequiredKeyedService<HttpClient>("exchange"),
        Route.Unnamed => services.GetRequiredService<IHttpClientFactory>().CreateClient(),
        Route.DefaultsPinUnregisteredName or Route.DefaultsConfigurePrimaryInPlace => services.GetRequiredService<IHttpClientFactory>().CreateClient("never-registered"),
        _ => services.GetRequiredService<IHttpClientFactory>().CreateClient("exchange"),
    };

    [Fact]
    public async Task ServiceCollectionOrder_ClientPinnedBeforeAddCertificatePinning_Pinned()
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Services.AddHttpClient("exchange").UseCertificatePinning();
        builder.Services.AddCertificatePinning(options =>
        {
            options.Configuration = new PinningConfiguration
            {
                Policies = [new HostPolicyConfiguration { Hosts = ["localhost"], Pins = [Pki.Intermediate.Pin.ToString(), TestPki.BackupPin.ToString()] }],
            };
            options.CustomTrustRoots = Pki.TrustBoth();
        });
        using var host = builder.Build();
        await host.StartAsync();
        var client = host.Services.GetRequiredService<IHttpClientFactory>().CreateClient("exchange");
        await Assert.ThrowsAsync<PinValidationException>(() => client.GetStringAsync(new Uri($"https://localhost:{_servers.Interceptor.Port}/ticker")));
        Assert.Equal(0, _servers.Interceptor.Requests);
        await host.StopAsync();
    }
}
