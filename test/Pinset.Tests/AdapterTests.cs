using System.Net.WebSockets;
using Grpc.Net.Client;
using Pinset.TestSupport.Grpc;

namespace Pinset.Tests;

/// <summary>Each transport adapter, pinned and refused, against real Kestrel and SslStream servers on loopback.</summary>
public sealed class AdapterTests : IDisposable
{
    private readonly TestPki _pki = new();

    public void Dispose() => _pki.Dispose();

    [Fact]
    public async Task SocketsHttpHandler_Genuine_PassesAndInterceptor_Refused()
    {
        var pinner = _pki.Pinner(_pki.Intermediate.Pin);
        await using (var genuine = await KestrelExchange.StartAsync(_pki.Leaf, _pki.GenuineChain()))
        {
            using var client = new HttpClient(Loopback.Route(new SocketsHttpHandler().UseCertificatePinning(pinner), genuine.Port));
            Assert.Equal("BTC-USD 97000.00", await client.GetStringAsync(new Uri(genuine.Url(), "ticker")));
        }

        await using var interceptor = await KestrelExchange.StartAsync(_pki.InterceptorLeaf, [_pki.InterceptorLeaf]);
        using var refused = new HttpClient(Loopback.Route(new SocketsHttpHandler().UseCertificatePinning(pinner), interceptor.Port));
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => refused.GetStringAsync(new Uri(interceptor.Url(), "ticker")));
        var pinning = Assert.IsType<PinValidationException>(error.InnerException);
        Assert.Equal(PinValidationOutcome.PinMismatch, pinning.Result.Outcome);
        Assert.Equal(0, interceptor.Requests);
    }

    [Fact]
    public async Task HttpClientHandler_Genuine_PassesAndInterceptor_Refused()
    {
        var pinner = _pki.Pinner(_pki.LeafPin);
        await using (var genuine = LoopbackTlsServer.Start(_pki.Leaf, _pki.GenuineChain()))
        {
            using var client = new HttpClient(new HttpClientHandler().UseCertificatePinning(pinner));
            var request = new HttpRequestMessage(HttpMethod.Get, $"https://localhost:{genuine.Port}/");
            request.Headers.Host = $"{TestPki.DefaultHost}:{genuine.Port}";
            var response = await client.SendAsync(request);
            Assert.Equal("hello", await response.Content.ReadAsStringAsync());
        }

        await using var interceptor = LoopbackTlsServer.Start(_pki.InterceptorLeaf);
        using var refused = new HttpClient(new HttpClientHandler().UseCertificatePinning(pinner));
        var refusedRequest = new HttpRequestMessage(HttpMethod.Get, $"https://localhost:{interceptor.Port}/");
        refusedRequest.Headers.Host = TestPki.DefaultHost;
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => refused.SendAsync(refusedRequest));
        Assert.Equal(PinValidationOutcome.PinMismatch, Assert.IsType<PinValidationException>(error.InnerException).Result.Outcome);
        Assert.Equal(0, interceptor.Requests);
    }

    [Fact]
    public async Task ClientWebSocketOptions_Genuine_PassesAndInterceptor_Refused()
    {
        // These options take no connect callback, so the socket dials "localhost" and the policy pins that name.
        var pinner = _pki.Pinner(new HostPolicyConfiguration { Hosts = ["localhost"], Pins = [_pki.LeafPin.ToString(), TestPki.BackupPin.ToString()] });
        await using (var genuine = await KestrelExchange.StartAsync(_pki.Leaf, _pki.GenuineChain()))
        {
            using var socket = new ClientWebSocket();
            socket.Options.UseCertificatePinning(pinner);
            await socket.ConnectAsync(new Uri($"wss://localhost:{genuine.Port}/trades"), CancellationToken.None);
            Assert.Equal("trade BTC-USD 0.5", await ReceiveTextAsync(socket));
        }

        await using var interceptor = await KestrelExchange.StartAsync(_pki.InterceptorLeaf, [_pki.InterceptorLeaf]);
        using var refused = new ClientWebSocket();
        refused.Options.UseCertificatePinning(pinner);
        var error = await Assert.ThrowsAsync<WebSocketException>(() => refused.ConnectAsync(new Uri($"wss://localhost:{interceptor.Port}/trades"), CancellationToken.None));
        Assert.Equal(PinValidationOutcome.PinMismatch, FindPinning(error).Result.Outcome);
        Assert.Equal(0, interceptor.Requests);
    }

    [Fact]
    public async Task ClientWebSocket_ThroughPinnedInvoker_PassesAndInterceptor_Refused()
    {
        var pinner = _pki.Pinner(_pki.Root.Pin);
        await using (var genuine = await KestrelExchange.StartAsync(_pki.Leaf, _pki.GenuineChain()))
        {
            using var socket = new ClientWebSocket();
            using var invoker = new HttpMessageInvoker(Loopback.Route(new SocketsHttpHandler().UseCertificatePinning(pinner), genuine.Port));
            await socket.ConnectAsync(new Uri(genuine.Url("wss"), "trades"), invoker, CancellationToken.None);
            Assert.Equal("trade BTC-USD 0.5", await ReceiveTextAsync(socket));
        }

        await using var interceptor = await KestrelExchange.StartAsync(_pki.InterceptorLeaf, [_pki.InterceptorLeaf]);
        using var refused = new ClientWebSocket();
        using var refusedInvoker = new HttpMessageInvoker(Loopback.Route(new SocketsHttpHandler().UseCertificatePinning(pinner), interceptor.Port));
        var error = await Assert.ThrowsAsync<WebSocketException>(() => refused.ConnectAsync(new Uri(interceptor.Url("wss"), "trades"), refusedInvoker, CancellationToken.None));
        Assert.Equal(PinValidationOutcome.PinMismatch, FindPinning(error).Result.Outcome);
        Assert.Equal(0, interceptor.Requests);
    }

    [Fact]
    public async Task GrpcChannel_ThroughPinnedHandler_PassesAndInterceptor_Refused()
    {
        var pinner = _pki.Pinner(_pki.LeafPin);
        await using (var genuine = await KestrelExchange.StartAsync(_pki.Leaf, _pki.GenuineChain()))
        {
            using var channel = GrpcChannel.ForAddress(genuine.Url(), new GrpcChannelOptions { HttpHandler = Loopback.Route(new SocketsHttpHandler().UseCertificatePinning(pinner), genuine.Port) });
            var reply = await new Ticker.TickerClient(channel).GetPriceAsync(new PriceRequest { Symbol = "BTC-USD" });
            Assert.Equal("97000.00", reply.Price);
        }

        await using var interceptor = await KestrelExchange.StartAsync(_pki.InterceptorLeaf, [_pki.InterceptorLeaf]);
        using var refusedChannel = GrpcChannel.ForAddress(interceptor.Url(), new GrpcChannelOptions { HttpHandler = Loopback.Route(new SocketsHttpHandler().UseCertificatePinning(pinner), interceptor.Port) });
        var error = await Assert.ThrowsAsync<global::Grpc.Core.RpcException>(() => new Ticker.TickerClient(refusedChannel).GetPriceAsync(new PriceRequest { Symbol = "BTC-USD" }).ResponseAsync);
        Assert.Equal(PinValidationOutcome.PinMismatch, FindPinning(error).Result.Outcome);
        Assert.Equal(0, interceptor.Requests);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task HttpClientHandler_ChainRebuiltToCustomRoots_StillRefusesUntrustedChain(bool wrongName)
    {
        // HttpClientHandler takes no chain policy, so the pinner builds the chain again to its roots; that build must
        // keep the platform's verdicts: an issuer outside the roots, and a certificate for another name, are refused.
        var policy = PinningPolicy.Create(new() { Policies = [new() { Hosts = [TestPki.DefaultHost], Pins = [SpkiPin.FromCertificate(_pki.InterceptorLeaf).ToString(), _pki.InterceptorRoot.Pin.ToString()] }] });
        var pinner = new CertificatePinner(policy, new CertificatePinnerOptions { CustomTrustRoots = wrongName ? _pki.TrustBoth() : [_pki.Root.Certificate] });
        using var otherName = _pki.InterceptorRoot.IssueServer(["other.exchange.example"]);
        await using var server = LoopbackTlsServer.Start(wrongName ? otherName : _pki.InterceptorLeaf);
        using var client = new HttpClient(new HttpClientHandler().UseCertificatePinning(pinner));
        var request = new HttpRequestMessage(HttpMethod.Get, $"https://localhost:{server.Port}/");
        request.Headers.Host = TestPki.DefaultHost;
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.SendAsync(request));
        var pinning = Assert.IsType<PinValidationException>(error.InnerException);
        Assert.Equal(PinValidationOutcome.PlatformValidationFailed, pinning.Result.Outcome);
        Assert.Equal(0, server.Requests);
    }

    [Fact]
    public void UseCertificatePinning_Twice_SecondCallDoesNothing()
    {
        var pinner = _pki.Pinner(_pki.LeafPin);
        using var handler = new SocketsHttpHandler().UseCertificatePinning(pinner);
        var callback = handler.SslOptions.RemoteCertificateValidationCallback;
        var policy = handler.SslOptions.CertificateChainPolicy;
        handler.UseCertificatePinning(pinner);
        Assert.Same(callback, handler.SslOptions.RemoteCertificateValidationCallback);
        Assert.Same(policy, handler.SslOptions.CertificateChainPolicy);
    }

    [Fact]
    public void UseCertificatePinning_OverAnotherCallback_Throws()
    {
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => false };
        var error = Assert.Throws<InvalidOperationException>(() => handler.UseCertificatePinning(_pki.Pinner(_pki.LeafPin)));
        Assert.Contains("already has a certificate callback", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UseCertificatePinning_AnotherPinner_Throws()
    {
        using var handler = new SocketsHttpHandler().UseCertificatePinning(_pki.Pinner(_pki.LeafPin));
        Assert.Throws<InvalidOperationException>(() => handler.UseCertificatePinning(_pki.Pinner(_pki.Root.Pin)));
    }

    private static PinValidationException FindPinning(Exception error)
    {
        for (var current = error; current is not null; current = current.InnerException)
        {
            if (current is PinValidationException pinning)
            {
                return pinning;
            }
        }

        throw new Xunit.Sdk.XunitException($"No PinValidationException inside: {error}");
    }

    private static async Task<string> ReceiveTextAsync(ClientWebSocket socket)
    {
        var buffer = new byte[256];
        var received = await socket.ReceiveAsync(buffer, CancellationToken.None);
        return System.Text.Encoding.UTF8.GetString(buffer, 0, received.Count);
    }
}
