using Flurl.Http;
using Flurl.Http.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Refit;
using RestSharp;
using Websocket.Client;

namespace Pinset.Extensions.Tests;

/// <summary>
/// The client libraries trading apps use, each wired the way its own documentation teaches, against a real genuine
/// server and a real interceptor on loopback: the genuine server answers; the interceptor is refused after exactly one
/// handshake (nothing retries a pin failure) and receives no request; reconnects stay pinned.
/// </summary>
public sealed class ClientLibraryTests : IAsyncLifetime
{
    private ExchangeServers _servers = null!;

    private TestPki Pki => _servers.Pki;

    public async Task InitializeAsync() => _servers = await ExchangeServers.StartAsync();

    public Task DisposeAsync() => _servers.DisposeAsync().AsTask();

    public interface ITickerApi
    {
        [Get("/ticker")]
        Task<string> GetTickerAsync();
    }

    private Dictionary<string, string?> Policy => PinnedHost.Section(["localhost"], [Pki.Intermediate.Pin, TestPki.BackupPin]);

    private Uri Genuine(string path = "/ticker", string scheme = "https") => new($"{scheme}://localhost:{_servers.Genuine.Port}{path}");

    private Uri Interceptor(string path = "/ticker", string scheme = "https") => new($"{scheme}://localhost:{_servers.Interceptor.Port}{path}");

    [Fact]
    public async Task StandardResilienceHandler_PinFailure_OneHandshakeNoRetryCircuitStaysClosed()
    {
        await using var host = await PinnedHost.StartAsync(Policy, Pki, services => services.AddHttpClient("exchange")
            .UseCertificatePinning()
            .AddStandardResilienceHandler(o =>
            {
                // A breaker that opens after two failures of any two calls: a pin failure must not count.
                o.CircuitBreaker.MinimumThroughput = 2;
                o.CircuitBreaker.FailureRatio = 0.5;
            }));
        var client = host.Services.GetRequiredService<IHttpClientFactory>().CreateClient("exchange");

        for (int i = 1; i <= 3; i++)
        {
            await Assert.ThrowsAsync<PinValidationException>(() => client.GetStringAsync(Interceptor()));
            Assert.Equal(i, _servers.Interceptor.Connections); // one handshake per refused request: never retried
        }

        Assert.Equal(0, _servers.Interceptor.Requests);
        Assert.Equal("BTC-USD 97000.00", await client.GetStringAsync(Genuine()));
    }

    [Fact]
    public async Task Refit_WithAuthorizationHeaderValueGetter_InnermostHandlerPinned()
    {
        var settings = new RefitSettings { AuthorizationHeaderValueGetter = (_, _) => ValueTask.FromResult("api-token") };
        await using var host = await PinnedHost.StartAsync(Policy, Pki, services =>
        {
            services.AddRefitClient<ITickerApi>(settings, "genuine").ConfigureHttpClient(c => c.BaseAddress = Genuine("/")).UseCertificatePinning();
            services.AddRefitClient<ITickerApi>(settings, "interceptor").ConfigureHttpClient(c => c.BaseAddress = Interceptor("/")).UseCertificatePinning();
        });
        var factory = host.Services.GetRequiredService<IHttpClientFactory>();
        Assert.Equal("BTC-USD 97000.00", await RestService.For<ITickerApi>(factory.CreateClient("genuine"), settings).GetTickerAsync());

        // Refit wraps what the handler throws in its ApiRequestException; the refusal is inside.
        var error = await Assert.ThrowsAsync<ApiRequestException>(() => RestService.For<ITickerApi>(factory.CreateClient("interceptor"), settings).GetTickerAsync());
        Assert.Equal(PinValidationOutcome.PinMismatch, Assert.IsType<PinValidationException>(error.InnerException).Result.Outcome);
        Assert.Equal(0, _servers.Interceptor.Requests);
        Assert.Equal(1, _servers.Interceptor.Connections);
    }

    [Fact]
    public async Task RestSharp_OverAFactoryClient_RefusalInErrorException()
    {
        await using var host = await PinnedHost.StartAsync(Policy, Pki, services => services.AddHttpClient("exchange").UseCertificatePinning());
        var factory = host.Services.GetRequiredService<IHttpClientFactory>();
        using var genuine = new RestClient(factory.CreateClient("exchange"), new RestClientOptions(Genuine("/")));
        Assert.Equal("BTC-USD 97000.00", (await genuine.ExecuteGetAsync(new RestRequest("ticker"))).Content);

        using var intercepted = new RestClient(factory.CreateClient("exchange"), new RestClientOptions(Interceptor("/")));
        var response = await intercepted.ExecuteGetAsync(new RestRequest("ticker"));
        Assert.False(response.IsSuccessful);
        Assert.IsType<PinValidationException>(response.ErrorException);
        Assert.Equal(0, _servers.Interceptor.Requests);
    }

    [Fact]
    public async Task RestSharp_ItsOwnHandlerPinned_AndItsCertificateCallbackRefusedNamingTheSetting()
    {
        var pinner = Pki.Pinner(new HostPolicyConfiguration { Hosts = ["localhost"], Pins = [Pki.Intermediate.Pin.ToString(), TestPki.BackupPin.ToString()] });
        RestClientOptions Options(Uri url) => new(url) { ConfigureMessageHandler = handler => ((HttpClientHandler)handler).UseCertificatePinning(pinner) };

        using (var genuine = new RestClient(Options(Genuine("/"))))
        {
            Assert.Equal("BTC-USD 97000.00", (await genuine.ExecuteGetAsync(new RestRequest("ticker"))).Content);
        }

        using (var intercepted = new RestClient(Options(Interceptor("/"))))
        {
            var response = await intercepted.ExecuteGetAsync(new RestRequest("ticker"));
            Assert.False(response.IsSuccessful);
            Assert.IsType<PinValidationException>(response.ErrorException?.InnerException);
            Assert.Equal(0, _servers.Interceptor.Requests);
        }

        var withCallback = Options(Genuine("/"));
        withCallback.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        var error = Assert.Throws<InvalidOperationException>(() => new RestClient(withCallback));
        Assert.Contains("set by RestSharp from RestClientOptions.RemoteCertificateValidationCallback", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Flurl_ItsBuilderOrAFactoryClient_PinnedAndRefused()
    {
        var pinner = Pki.Pinner(new HostPolicyConfiguration { Hosts = ["localhost"], Pins = [Pki.Intermediate.Pin.ToString(), TestPki.BackupPin.ToString()] });
        using (var client = new FlurlClientBuilder().UseSocketsHttpHandler(handler => handler.UseCertificatePinning(pinner)).Build())
        {
            Assert.Equal("BTC-USD 97000.00", await client.Request(Genuine()).GetStringAsync());
            var error = await Assert.ThrowsAsync<FlurlHttpException>(() => client.Request(Interceptor()).GetStringAsync());
            Assert.IsType<PinValidationException>(error.InnerException?.InnerException);
        }

        await using var host = await PinnedHost.StartAsync(Policy, Pki, services => services.AddHttpClient("exchange").UseCertificatePinning());
        using var fromFactory = new FlurlClient(host.Services.GetRequiredService<IHttpClientFactory>().CreateClient("exchange"));
        var refused = await Assert.ThrowsAsync<FlurlHttpException>(() => fromFactory.Request(Interceptor()).GetStringAsync());
        Assert.IsType<PinValidationException>(refused.InnerException);
        Assert.Equal(0, _servers.Interceptor.Requests);
    }

    public static TheoryData<bool> Factories => new() { true, false };

    [Theory]
    [MemberData(nameof(Factories))]
    public async Task WebsocketClient_GenuineEchoes_ReconnectsStayPinned_InterceptorRefusedAndNotRetried(bool connectionFactory)
    {
        var validations = 0;
        await using var host = await PinnedHost.StartAsync(Policy, Pki, services => services.Configure<PinningOptions>(o => o.OnValidated = r =>
        {
            if (r.Outcome == PinValidationOutcome.PinMatched)
            {
                Interlocked.Increment(ref validations);
            }
        }));
        var pinning = host.Services.GetRequiredService<CertificatePinning>();
        WebsocketClient Client(Uri url) => connectionFactory
            ? new WebsocketClient(url, NullLogger<WebsocketClient>.Instance, pinning.ConnectWebSocketAsync)
            : new WebsocketClient(url, () =>
            {
                // A socket factory of the app's own, each socket pinned through its options (wss:// only: see docs/integration.md).
                var socket = new System.Net.WebSockets.ClientWebSocket();
                socket.Options.UseCertificatePinning(pinning.Pinner);
                return socket;
            });

        // The genuine echo: a message, a reconnect (a new socket from the factory, validated again), another message.
        using (var genuine = Client(Genuine("/echo", "wss")))
        {
            var echoes = new List<string>();
            var echoed = new[] { new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
            using var subscription = genuine.MessageReceived.Subscribe(m =>
            {
                lock (echoes)
                {
                    echoes.Add(m.Text!);
                    echoed[Math.Min(echoes.Count, 2) - 1].TrySetResult();
                }
            });
            await genuine.StartOrFail();
            genuine.Send("BTC-USD 97000.00");
            await echoed[0].Task.WaitAsync(TimeSpan.FromSeconds(30));
            await genuine.ReconnectOrFail();
            genuine.Send("ETH-USD 3500.00");
            await echoed[1].Task.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(["BTC-USD 97000.00", "ETH-USD 3500.00"], echoes);
        }

        Assert.True(Volatile.Read(ref validations) >= 2, "The reconnect was not validated by Pinset.");

        // The interceptor: StartOrFail throws; Start() does not, and the documented handler stops the reconnects.
        using (var intercepted = Client(Interceptor("/trades", "wss")))
        {
            var error = await Assert.ThrowsAnyAsync<Exception>(() => intercepted.StartOrFail());
            Assert.True(Find<PinValidationException>(error) is not null, error.ToString());
        }

        using var stopped = Client(Interceptor("/trades", "wss"));
        stopped.ErrorReconnectTimeout = TimeSpan.Zero;
        var disconnected = new TaskCompletionSource<DisconnectionInfo>(TaskCreationOptions.RunContinuationsAsynchronously);
        // docs/integration.md's handler, as the doc shows it; the observer after it sees what it decided.
        DocExamples.PolicyAndReportingExamples.StopReconnecting(stopped);
        using var seen = stopped.DisconnectionHappened.Subscribe(info => disconnected.TrySetResult(info));
        await stopped.Start();
        var first = await disconnected.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(first.CancelReconnection);
        Assert.False(stopped.IsRunning);
        Assert.Equal(0, _servers.Interceptor.Requests);
    }

    private static T? Find<T>(Exception? error)
        where T : Exception
    {
        for (; error is not null; error = error.InnerException)
        {
            if (error is T found)
            {
                return found;
            }
        }

        return null;
    }
}
