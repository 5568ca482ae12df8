using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace Pinset.Testing.Tests;

public sealed class InterceptingProxyTests : IAsyncLifetime
{
    private TestBed _bed = null!;

    public async Task InitializeAsync() => _bed = await TestBed.StartAsync();

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    [Fact]
    public async Task Direct_UnpinnedClientTrustingItsCa_ForwardsToTheGenuineServerAndRecordsTheRequest()
    {
        using var client = new HttpClient(_bed.Trusting(_bed.Proxy.Port));

        Assert.Equal("hello", await client.GetStringAsync(_bed.Url("/anything")));

        var connection = Assert.Single(_bed.Proxy.Connections);
        Assert.Equal(InterceptionMode.Direct, connection.Mode);
        Assert.Equal(TestBed.Host, connection.Host);
        Assert.True(connection.ClientHandshakeCompleted);
        Assert.True(connection.Forwarded);
        Assert.True(connection.ApplicationBytes > 0);
        Assert.True(_bed.Proxy.ReceivedApplicationData);
        Assert.Equal(1, _bed.Genuine.Requests);
    }

    [Fact]
    public async Task Connect_UnpinnedClientUsingItAsProxy_ForwardsAndRecordsTheConnectTarget()
    {
        using var client = new HttpClient(_bed.ThroughProxy(_bed.Trusting(_bed.Proxy.Port)));

        Assert.Equal("hello", await client.GetStringAsync(_bed.Url("/")));

        var connection = Assert.Single(_bed.Proxy.Connections);
        Assert.Equal(InterceptionMode.Connect, connection.Mode);
        Assert.Equal(TestBed.Host, connection.Host);
        Assert.True(connection.ApplicationBytes > 0);
        Assert.Equal(1, _bed.Genuine.Requests);
    }

    [Fact]
    public async Task Direct_Http2Request_ForwardedAsHttp2()
    {
        using var client = new HttpClient(_bed.Trusting(_bed.Proxy.Port)) { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };

        using var response = await client.GetAsync(_bed.Url("/"));

        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.Equal("hello", await response.Content.ReadAsStringAsync());
        Assert.Equal(1, _bed.Genuine.Requests);
    }

    [Fact]
    public async Task Direct_PinnedClient_RefusesBeforeAnyApplicationDataAndNothingIsForwarded()
    {
        using var client = new HttpClient(_bed.Pinned(_bed.Proxy.Port));

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetStringAsync(_bed.Url("/")));

        Assert.IsType<PinValidationException>(error.InnerException);
        var connection = Assert.Single(_bed.Proxy.Connections);
        await connection.Closed.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, connection.ApplicationBytes);
        Assert.False(connection.Forwarded);
        Assert.False(_bed.Proxy.ReceivedApplicationData);
        Assert.Equal(0, _bed.Genuine.Connections);
    }

    [Theory]
    [InlineData("api.exchange.test")]
    [InlineData("127.0.0.1")]
    public async Task Handshake_PresentsALeafOfItsOwnCaForTheRequestedHost(string host)
    {
        X509Certificate2? presented = null;
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, _bed.Proxy.Port);
        await using var tls = new SslStream(tcp.GetStream());

        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = host,
            RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            {
                presented = new X509Certificate2(certificate!);
                return true;
            },
        });

        Assert.NotNull(presented);
        Assert.Equal(_bed.Proxy.CertificateAuthority.Certificate.Subject, presented.Issuer);
        Assert.True(presented.MatchesHostname(host));
        presented.Dispose();
    }

    [Fact]
    public async Task Connect_NotAConnectRequest_AnsweredWith405AndRecorded()
    {
        using var client = new HttpClient();

        using var response = await client.GetAsync(new Uri($"http://127.0.0.1:{_bed.Proxy.Port}/"));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Contains("not a CONNECT request", Assert.Single(_bed.Proxy.Connections).Error, StringComparison.Ordinal);
    }
}
