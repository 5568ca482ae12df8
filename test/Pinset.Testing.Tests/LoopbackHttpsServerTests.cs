using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Pinset.Testing.Tests;

public sealed class LoopbackHttpsServerTests : IDisposable
{
    private readonly TestPki _pki = new();

    public void Dispose() => _pki.Dispose();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task AnyPath_Http1OrHttp2_AnsweredWithTheFallbackTextAndCounted(int major)
    {
        await using var server = await LoopbackHttpsServer.StartAsync(_pki, new LoopbackHttpsServerOptions { FallbackText = "genuine" });
        using var client = new HttpClient(Trusting(server.Port)) { DefaultRequestVersion = new Version(major, 0), DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };

        using var first = await client.GetAsync(new Uri(server.Url(), "/a"));
        using var second = await client.GetAsync(new Uri(server.Url(), "/b/c"));

        Assert.Equal(new Version(major, major == 1 ? 1 : 0), first.Version);
        Assert.Equal("genuine", await second.Content.ReadAsStringAsync());
        Assert.Equal(2, server.Requests);
        Assert.InRange(server.Connections, 1, 2);
        Assert.Equal(server.Connections, server.Handshakes);
    }

    [Fact]
    public async Task Echo_WebSocket_SendsEveryMessageBack()
    {
        await using var server = await LoopbackHttpsServer.StartAsync(_pki);
        using var invoker = new HttpMessageInvoker(Trusting(server.Port));
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri(server.Url("wss"), "/echo"), invoker, CancellationToken.None);

        await socket.SendAsync("ping"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);
        var buffer = new byte[16];
        var received = await socket.ReceiveAsync(buffer, CancellationToken.None);
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);

        Assert.Equal("ping", System.Text.Encoding.UTF8.GetString(buffer, 0, received.Count));
    }

    [Fact]
    public async Task MapEndpoints_YourEndpointAnswersBeforeTheFallback()
    {
        await using var server = await LoopbackHttpsServer.StartAsync(_pki, new LoopbackHttpsServerOptions
        {
            MapEndpoints = endpoints => endpoints.MapGet("/api/v3/ticker", () => "BTC-USD 97000.00"),
            Protocols = HttpProtocols.Http1,
        });
        using var client = new HttpClient(Trusting(server.Port));

        Assert.Equal("BTC-USD 97000.00", await client.GetStringAsync(new Uri(server.Url(), "/api/v3/ticker")));
        Assert.Equal("hello", await client.GetStringAsync(new Uri(server.Url(), "/api/v3/other")));
    }

    [Fact]
    public async Task Url_IpAddressOnlyCertificate_UsesTheAddress()
    {
        using var pki = new TestPki(["127.0.0.1"]);
        await using var server = await LoopbackHttpsServer.StartAsync(pki);
        using var client = new HttpClient(Trusting(server.Port, pki));

        Assert.Equal($"https://127.0.0.1:{server.Port}/", server.Url().ToString());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(server.Url())).StatusCode);
    }

    [Fact]
    public async Task Url_DefaultPki_UsesItsFirstHostName()
    {
        await using var server = await LoopbackHttpsServer.StartAsync(_pki);

        Assert.Equal(TestPki.DefaultHost, server.Host);
        Assert.Equal($"wss://{TestPki.DefaultHost}:{server.Port}/", server.Url("wss").ToString());
    }

    private SocketsHttpHandler Trusting(int port, TestPki? pki = null)
    {
        var handler = Loopback.Route(new SocketsHttpHandler(), port);
        handler.SslOptions.CertificateChainPolicy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
        handler.SslOptions.CertificateChainPolicy.CustomTrustStore.Add((pki ?? _pki).Root.Certificate);
        return handler;
    }
}
