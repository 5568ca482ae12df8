using System.Net;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;

namespace Pinset.Collector.Tests;

/// <summary>
/// Who may read the dashboard and the API. The requests go through the whole app in memory (ASP.NET Core's TestServer)
/// so they can come from a documentation address (203.0.113.7) without sending a packet anywhere but this process.
/// </summary>
public sealed class DashboardAccessTests : IDisposable
{
    private const string Key = "dashboard-key-0123456789";
    private static readonly IPAddress Remote = IPAddress.Parse("203.0.113.7");
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData("/")]
    [InlineData("/api/hosts")]
    [InlineData("/api/hosts/api.exchange.test")]
    [InlineData("/dashboard.css")]
    public async Task NoKey_RemoteClient_Refused403WithASentence(string path)
    {
        await using var app = await StartAsync(key: null);

        var context = await SendAsync(app, path, Remote);

        Assert.Equal(403, context.Response.StatusCode);
        Assert.Equal("The dashboard answers loopback clients only, and this request came from '203.0.113.7'; set Dashboard:ApiKey to open it to other addresses.\n", await Body(context));
    }

    [Fact]
    public async Task NoKey_LoopbackClientAndUnknownAddress_ServedAndRefused()
    {
        await using var app = await StartAsync(key: null);

        Assert.Equal(200, (await SendAsync(app, "/", IPAddress.Loopback)).Response.StatusCode);
        Assert.Equal(200, (await SendAsync(app, "/api/hosts", IPAddress.IPv6Loopback)).Response.StatusCode);
        Assert.Equal(403, (await SendAsync(app, "/", null)).Response.StatusCode);
    }

    [Theory]
    [InlineData("X-Forwarded-For", "203.0.113.7")]
    [InlineData("Forwarded", "for=203.0.113.7")]
    public async Task NoKey_LoopbackProxyForwardingAnotherClient_Refused(string header, string value)
    {
        await using var app = await StartAsync(key: null);

        var context = await app.GetTestServer().SendAsync(c =>
        {
            c.Connection.RemoteIpAddress = IPAddress.Loopback;
            c.Request.Path = "/";
            c.Request.Headers[header] = value;
        });

        Assert.Equal(403, context.Response.StatusCode);
        Assert.Equal($"The dashboard answers loopback clients only, and this request was forwarded by a proxy ({header}: '{value}'); set Dashboard:ApiKey to open it to other clients.\n", await Body(context));
    }

    [Fact]
    public async Task NoKey_StartUpLog_SaysLoopbackOnly()
    {
        await using var app = await StartAsync(key: null);

        var logs = app.Services.GetRequiredService<FakeLogCollector>().GetSnapshot();
        Assert.Contains(logs, l => l.Message == "No Dashboard:ApiKey is configured: the dashboard and /api answer loopback clients only. Set Dashboard:ApiKey to open them to other addresses.");
    }

    [Theory]
    [InlineData(null, 401)]
    [InlineData("Bearer wrong-key-0123456789", 401)]
    [InlineData("Bearer " + Key, 200)]
    [InlineData("Basic d2hvZXZlcjpkYXNoYm9hcmQta2V5LTAxMjM0NTY3ODk=", 200)] // whoever:dashboard-key-0123456789
    [InlineData("Basic bm90LWJhc2U2NA", 401)]
    public async Task Key_RemoteAndLoopbackClients_NeedIt(string? authorization, int status)
    {
        await using var app = await StartAsync(Key);

        foreach (var address in new[] { Remote, IPAddress.Loopback })
        {
            var context = await SendAsync(app, "/api/hosts", address, authorization);

            Assert.Equal(status, context.Response.StatusCode);
            if (status == 401)
            {
                Assert.Equal("Basic realm=\"Pinset Collector\", charset=\"UTF-8\"", context.Response.Headers.WWWAuthenticate.ToString());
                Assert.DoesNotContain(Key, await Body(context), StringComparison.Ordinal);
            }
        }

        var logs = app.Services.GetRequiredService<FakeLogCollector>().GetSnapshot();
        Assert.Contains(logs, l => l.Message == "The dashboard and /api require the configured Dashboard:ApiKey.");
    }

    [Fact]
    public async Task Key_Reports_StillAcceptedWithoutIt()
    {
        await using var app = await StartAsync(Key);
        using var pki = new TestPki();

        var context = await app.GetTestServer().SendAsync(c =>
        {
            c.Connection.RemoteIpAddress = Remote;
            c.Request.Method = "POST";
            c.Request.Path = "/reports";
            c.Request.ContentType = "application/json";
            c.Request.Body = new MemoryStream(ReportJson.Utf8(ReportJson.Intercepted(pki)));
        });

        Assert.Equal(202, context.Response.StatusCode);
    }

    [Fact]
    public async Task Answers_CarryAContentSecurityPolicyThatForbidsScript()
    {
        await using var app = await StartAsync(key: null);

        var context = await SendAsync(app, "/", IPAddress.Loopback);

        Assert.Equal("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'", context.Response.Headers.ContentSecurityPolicy.ToString());
        Assert.Equal("nosniff", context.Response.Headers.XContentTypeOptions.ToString());
        Assert.Equal("DENY", context.Response.Headers.XFrameOptions.ToString());
    }

    [Fact]
    public async Task Api_BadFilter_400QuotingTheValue()
    {
        await using var app = await StartAsync(key: null);

        var context = await SendAsync(app, "/api/hosts?from=yesterday", IPAddress.Loopback);

        Assert.Equal(400, context.Response.StatusCode);
        Assert.Equal("'from' is 'yesterday', which is not a date and time; use ISO 8601 such as '2026-12-01T08:00:00Z'.\n", await Body(context));
    }

    private async Task<Microsoft.AspNetCore.Builder.WebApplication> StartAsync(string? key)
    {
        var app = CollectorApp.Build([], builder =>
        {
            builder.WebHost.UseTestServer();
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:Reports"] = $"Data Source={_directory.File("reports.db")}",
                ["Dashboard:ApiKey"] = key,
            });
            builder.Logging.ClearProviders();
            builder.Services.AddFakeLogging();
        });
        await app.StartAsync();
        return app;
    }

    private static Task<HttpContext> SendAsync(Microsoft.AspNetCore.Builder.WebApplication app, string pathAndQuery, IPAddress? from, string? authorization = null) =>
        app.GetTestServer().SendAsync(c =>
        {
            c.Connection.RemoteIpAddress = from;
            var query = pathAndQuery.IndexOf('?', StringComparison.Ordinal);
            c.Request.Path = query < 0 ? pathAndQuery : pathAndQuery[..query];
            c.Request.QueryString = query < 0 ? QueryString.Empty : new QueryString(pathAndQuery[query..]);
            if (authorization is not null)
            {
                c.Request.Headers.Authorization = authorization;
            }
        });

    private static async Task<string> Body(HttpContext context)
    {
        using var reader = new StreamReader(context.Response.Body, Encoding.UTF8);
        return await reader.ReadToEndAsync();
    }
}
