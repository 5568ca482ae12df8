using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Pinset.Collector.Tests;

/// <summary>
/// DNS rebinding: a web page under a name of its own that resolves to 127.0.0.1 reaches the collector from the
/// operator's own browser, so from loopback. The dashboard and the API answer only requests addressed to a loopback
/// name or a name in Dashboard:AllowedHosts; POST /reports and /healthz answer every name. Real Kestrel, real HTTP.
/// </summary>
public sealed class DashboardHostTests : ScratchTests
{
    [Theory]
    [InlineData("/")]
    [InlineData("/api/hosts")]
    [InlineData("/api/hosts/api.exchange.test")]
    [InlineData("/dashboard.css")]
    public async Task Dashboard_AddressedToAnotherName_400NamingTheHostAndTheSetting(string path)
    {
        await using var collector = await CollectorHost.StartAsync();
        await collector.PostAcceptedAsync(ReportJson.Intercepted(Pki));

        using var response = await GetAsync(collector, path, "evil.example:8470");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(Refusal("evil.example"), await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("localhost:5000")]
    [InlineData("LocalHost:5000")]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.1:8470")]
    [InlineData("[::1]:8470")]
    public async Task Dashboard_AddressedToALoopbackNameOnAnyPort_Served(string host)
    {
        await using var collector = await CollectorHost.StartAsync();

        using var response = await GetAsync(collector, "/api/hosts", host);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("pins.example.com", HttpStatusCode.OK)]
    [InlineData("PINS.example.com:8443", HttpStatusCode.OK)]
    [InlineData("dash.corp.example", HttpStatusCode.OK)]
    [InlineData("corp.example", HttpStatusCode.BadRequest)]
    [InlineData("pins.example.com.evil.example", HttpStatusCode.BadRequest)]
    [InlineData("localhost", HttpStatusCode.OK)]
    public async Task Dashboard_AllowedHostsConfigured_ThoseNamesAndTheLoopbackOnesServed(string host, HttpStatusCode status)
    {
        await using var collector = await CollectorHost.StartAsync(new Dictionary<string, string?>
        {
            ["Dashboard:AllowedHosts:0"] = "pins.example.com",
            ["Dashboard:AllowedHosts:1"] = "*.corp.example",
        });

        using var response = await GetAsync(collector, "/", host);

        Assert.Equal(status, response.StatusCode);
    }

    [Fact]
    public async Task Dashboard_SameHostProxyKeepingTheHostWithoutXForwardedFor_Refused()
    {
        // nginx with 'proxy_set_header Host $host' and no X-Forwarded-For: the connection is loopback, the name is not.
        await using var collector = await CollectorHost.StartAsync();

        using var response = await GetAsync(collector, "/api/hosts/api.exchange.test", "pins.example.com");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(Refusal("pins.example.com"), await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Dashboard_NoHostHeader_400SayingSo()
    {
        await using var collector = await CollectorHost.StartAsync();
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, collector.BaseAddress.Port);
        var stream = client.GetStream();

        // HTTP/1.0 may leave the Host header out.
        await stream.WriteAsync("GET /api/hosts HTTP/1.0\r\n\r\n"u8.ToArray());
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var answer = await reader.ReadToEndAsync();

        Assert.StartsWith("HTTP/1.1 400 ", answer, StringComparison.Ordinal);
        Assert.EndsWith(
            "\r\n\r\nThis request names no host (it has no Host header); the dashboard answers only requests addressed to localhost, 127.0.0.1, [::1] or a name in 'Dashboard:AllowedHosts'.\n",
            answer,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReportsAndHealth_AddressedToAnyName_Answered()
    {
        // Apps post to the name in their report URI (a load balancer's, a CDN's); a health probe often uses an address.
        await using var collector = await CollectorHost.StartAsync();
        using var post = new HttpRequestMessage(HttpMethod.Post, "/reports") { Content = new StringContent(ReportJson.Intercepted(Pki), Encoding.UTF8, "application/json") };
        post.Headers.Host = "pins.example.com";

        using var report = await collector.Client.SendAsync(post);
        using var health = await GetAsync(collector, "/healthz", "10.0.0.5:8080");

        Assert.Equal(HttpStatusCode.Accepted, report.StatusCode);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(1, (await collector.Store.CountAsync(CancellationToken.None)).Reports);
    }

    /// <summary>The refusal for <paramref name="host"/>.</summary>
    internal static string Refusal(string host) =>
        $"This request is addressed to '{host}', which the dashboard does not answer to: it answers only requests addressed to localhost, 127.0.0.1, [::1] or a name in 'Dashboard:AllowedHosts', so that a web page under a name of its own that resolves to this machine cannot read it (DNS rebinding). If '{host}' is a name of this collector, add it to 'Dashboard:AllowedHosts'.\n";

    private static async Task<HttpResponseMessage> GetAsync(CollectorHost collector, string path, string host)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Host = host;
        return await collector.Client.SendAsync(request);
    }
}
