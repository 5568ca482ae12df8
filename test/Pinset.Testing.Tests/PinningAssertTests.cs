using System.Net.WebSockets;
using Grpc.Net.Client;
using Pinset.TestSupport.Grpc;

namespace Pinset.Testing.Tests;

public sealed class PinningAssertTests : IAsyncLifetime
{
    private TestBed _bed = null!;

    public async Task InitializeAsync() => _bed = await TestBed.StartAsync(pki => KestrelExchange.StartAsync(pki.Leaf, pki.GenuineChain()));

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    [Fact]
    public async Task InterceptionRefusedAsync_PinnedHttpClient_ReturnsTheRefusalAndNoApplicationData()
    {
        using var client = new HttpClient(_bed.Pinned(_bed.Proxy.Port));

        var refusal = await PinningAssert.InterceptionRefusedAsync(client, _bed.Url("/ticker"), _bed.Proxy, "exchange");

        Assert.Equal(PinValidationOutcome.PinMismatch, refusal.Refusal.Result.Outcome);
        Assert.Equal(0, refusal.ApplicationBytes);
        Assert.NotEmpty(refusal.Connections);
        Assert.Equal(
            $"HttpClient 'exchange' refused the interceptor for '{TestBed.Host}' (PinMismatch): the interceptor saw {refusal.Connections.Count} TLS connection attempt{(refusal.Connections.Count == 1 ? string.Empty : "s")} (Direct) and received 0 bytes of application data.",
            refusal.ToString());
        Assert.Equal(0, _bed.Genuine.Requests);
    }

    [Fact]
    public async Task InterceptionRefusedAsync_PinnedClientThroughConnectProxy_Passes()
    {
        using var client = new HttpClient(_bed.ThroughProxy(_bed.Pinned(_bed.Proxy.Port)));

        var refusal = await PinningAssert.InterceptionRefusedAsync(client, _bed.Url("/ticker"), _bed.Proxy);

        Assert.All(refusal.Connections, c => Assert.Equal(InterceptionMode.Connect, c.Mode));
    }

    [Fact]
    public async Task InterceptionRefusedAsync_UnpinnedClientTrustingTheInterceptor_FailsNamingClientHostAndBytes()
    {
        using var client = new HttpClient(_bed.Trusting(_bed.Proxy.Port)) { BaseAddress = _bed.Url() };

        var failure = await Assert.ThrowsAsync<PinningAssertException>(() => PinningAssert.InterceptionRefusedAsync(client, new Uri("ticker", UriKind.Relative), _bed.Proxy, "exchange"));

        Assert.StartsWith($"HttpClient 'exchange' accepted the interceptor for '{TestBed.Host}': its GET https://{TestBed.Host}/ticker was answered 200 (OK), and the interceptor received {_bed.Proxy.ApplicationBytesReceived} bytes of application data from it (1 connection(s) to the interceptor, Direct).", failure.Message, StringComparison.Ordinal);
        Assert.Contains($"HttpClient 'exchange' is not pinned to '{TestBed.Host}'. Check that its registration calls UseCertificatePinning()", failure.Message, StringComparison.Ordinal);
        Assert.Equal(1, _bed.Genuine.Requests);
    }

    [Fact]
    public async Task InterceptionRefusedAsync_UnpinnedClientOnTheSystemTrust_FailsSayingPinsetDidNotRefuse()
    {
        using var client = new HttpClient(Loopback.Route(new SocketsHttpHandler(), _bed.Proxy.Port));

        var failure = await Assert.ThrowsAsync<PinningAssertException>(() => PinningAssert.InterceptionRefusedAsync(client, _bed.Url("/ticker"), _bed.Proxy));

        Assert.StartsWith($"The HttpClient refused the interceptor for '{TestBed.Host}', but Pinset did not: its GET https://{TestBed.Host}/ticker failed with HttpRequestException", failure.Message, StringComparison.Ordinal);
        Assert.Contains($"the HttpClient is not pinned to '{TestBed.Host}'", failure.Message, StringComparison.Ordinal);
        Assert.False(_bed.Proxy.ReceivedApplicationData);
    }

    [Fact]
    public async Task InterceptionRefusedAsync_PinnedClientThatDoesNotTrustTheInterceptor_FailsAsShowingNothingAboutPins()
    {
        using var client = new HttpClient(_bed.Pinned(_bed.Proxy.Port, _bed.Pinner(roots: [_bed.Pki.Root.Certificate])));

        var failure = await Assert.ThrowsAsync<PinningAssertException>(() => PinningAssert.InterceptionRefusedAsync(client, _bed.Url("/ticker"), _bed.Proxy));

        Assert.StartsWith($"The HttpClient refused the interceptor for '{TestBed.Host}' before any pin was consulted: the platform did not validate its chain (RemoteCertificateChainErrors)", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InterceptionRefusedAsync_ClientRoutedElsewhere_FailsSayingItNeverReachedTheInterceptor()
    {
        using var client = new HttpClient(_bed.Pinned(_bed.Genuine.Port));

        var failure = await Assert.ThrowsAsync<PinningAssertException>(() => PinningAssert.InterceptionRefusedAsync(client, _bed.Url("/ticker"), _bed.Proxy));

        Assert.StartsWith($"The HttpClient never reached the interceptor for '{TestBed.Host}': its GET https://{TestBed.Host}/ticker was answered 200 (OK), and the interceptor on 127.0.0.1:{_bed.Proxy.Port} saw no connection", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenuineAcceptedAsync_PinnedHttpClient_Passes()
    {
        using var client = new HttpClient(_bed.Pinned(_bed.Genuine.Port));

        await PinningAssert.GenuineAcceptedAsync(client, _bed.Url("/ticker"), _bed.Genuine);

        Assert.Equal(1, _bed.Genuine.Requests);
    }

    [Fact]
    public async Task GenuineAcceptedAsync_PinsOfAnotherKey_FailsWithPinsetsRefusal()
    {
        using var client = new HttpClient(_bed.Pinned(_bed.Genuine.Port, _bed.Pinner(pin: _bed.Pki.InterceptorRoot.Pin)));

        var failure = await Assert.ThrowsAsync<PinningAssertException>(() => PinningAssert.GenuineAcceptedAsync(client, _bed.Url("/ticker"), _bed.Genuine, "exchange"));

        Assert.StartsWith($"HttpClient 'exchange' refused the genuine server for '{TestBed.Host}': its GET https://{TestBed.Host}/ticker failed with Pinset's refusal (PinMismatch).", failure.Message, StringComparison.Ordinal);
        Assert.Contains(_bed.Pki.InterceptorRoot.Pin.ToString(), failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenuineAcceptedAsync_UnpinnedClientOnTheSystemTrust_FailsSayingNoPinsetValidatorJudgedIt()
    {
        using var client = new HttpClient(Loopback.Route(new SocketsHttpHandler(), _bed.Genuine.Port));

        var failure = await Assert.ThrowsAsync<PinningAssertException>(() => PinningAssert.GenuineAcceptedAsync(client, _bed.Url("/ticker"), _bed.Genuine));

        Assert.StartsWith($"The HttpClient refused the genuine server for '{TestBed.Host}' in the TLS handshake, and no Pinset validator judged it", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenuineAcceptedAsync_AnswerFromAnotherServer_Fails()
    {
        using var client = new HttpClient(_bed.Trusting(_bed.Proxy.Port));
        await using var other = await LoopbackHttpsServer.StartAsync(_bed.Pki);

        var failure = await Assert.ThrowsAsync<PinningAssertException>(() => PinningAssert.GenuineAcceptedAsync(client, _bed.Url("/"), other));

        Assert.Contains("received no request: the answer (was answered 200 (OK)) came from another server", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WebSocketFactory_PinnedInvoker_RefusesTheInterceptorAndAcceptsTheGenuineEcho()
    {
        using var toProxy = new HttpMessageInvoker(_bed.Pinned(_bed.Proxy.Port));
        using var toGenuine = new HttpMessageInvoker(_bed.Pinned(_bed.Genuine.Port));

        var refusal = await PinningAssert.InterceptionRefusedAsync(Connect(toProxy), _bed.Url("/echo", "wss"), _bed.Proxy, "trades");
        await PinningAssert.GenuineAcceptedAsync(Connect(toGenuine), _bed.Url("/echo", "wss"), _bed.Genuine, "trades");

        Assert.StartsWith("ClientWebSocket 'trades' refused the interceptor", refusal.ToString(), StringComparison.Ordinal);
        Assert.Equal(1, _bed.Genuine.Requests);
    }

    [Fact]
    public async Task WebSocketFactory_UnpinnedTrustingInvoker_FailsAsAccepted()
    {
        using var toProxy = new HttpMessageInvoker(_bed.Trusting(_bed.Proxy.Port));

        var failure = await Assert.ThrowsAsync<PinningAssertException>(() => PinningAssert.InterceptionRefusedAsync(Connect(toProxy), _bed.Url("/echo", "wss"), _bed.Proxy));

        Assert.StartsWith($"The ClientWebSocket accepted the interceptor for '{TestBed.Host}': its WebSocket connection to wss://{TestBed.Host}/echo was opened", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GrpcCall_PinnedChannel_RefusesTheInterceptorAndAcceptsTheGenuineServer()
    {
        var refusal = await PinningAssert.InterceptionRefusedAsync(Price(_bed.Proxy.Port), _bed.Url(), _bed.Proxy, "ticker");
        await PinningAssert.GenuineAcceptedAsync(Price(_bed.Genuine.Port), _bed.Url(), _bed.Genuine, "ticker");

        Assert.Equal(PinValidationOutcome.PinMismatch, refusal.Refusal.Result.Outcome);
        Assert.Equal(1, _bed.Genuine.Requests);
    }

    private static Func<Uri, CancellationToken, Task<WebSocket>> Connect(HttpMessageInvoker invoker) => async (uri, token) =>
    {
        var socket = new ClientWebSocket();
        await socket.ConnectAsync(uri, invoker, token);
        return socket;
    };

    private Func<Uri, CancellationToken, Task> Price(int port) => async (address, token) =>
    {
        using var channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions { HttpHandler = _bed.Pinned(port) });
        await new Ticker.TickerClient(channel).GetPriceAsync(new PriceRequest { Symbol = "BTC-USD" }, cancellationToken: token);
    };
}
