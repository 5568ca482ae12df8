using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Pinset.Collector.Tests;

/// <summary>
/// The collector as <c>dotnet run</c> starts it (<see cref="CollectorApp.Build"/>), in this process, on a free loopback
/// port with real Kestrel, with settings and optionally a fake clock. Each host gets its own SQLite file unless told
/// otherwise.
/// </summary>
internal sealed class CollectorHost : IAsyncDisposable
{
    private readonly TempDirectory? _directory;

    private CollectorHost(WebApplication app, TempDirectory? directory)
    {
        App = app;
        _directory = directory;
        BaseAddress = new Uri(app.Urls.First());
        Client = new HttpClient { BaseAddress = BaseAddress };
    }

    public WebApplication App { get; }

    public Uri BaseAddress { get; }

    public Uri ReportsUrl => new(BaseAddress, "/reports");

    public HttpClient Client { get; }

    public IServiceProvider Services => App.Services;

    public ReportStore Store => Services.GetRequiredService<ReportStore>();

    /// <summary>Starts a collector; settings are configuration keys such as <c>Storage:Provider</c>.</summary>
    public static async Task<CollectorHost> StartAsync(IDictionary<string, string?>? settings = null, TimeProvider? time = null, Action<WebApplicationBuilder>? configure = null)
    {
        var values = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>());
        TempDirectory? directory = null;
        if (!values.ContainsKey("ConnectionStrings:Reports"))
        {
            directory = new TempDirectory();
            values["ConnectionStrings:Reports"] = $"Data Source={directory.File("reports.db")}";
        }

        var app = CollectorApp.Build(["--urls", "http://127.0.0.1:0"], builder =>
        {
            builder.Configuration.AddInMemoryCollection(values);
            builder.Logging.ClearProviders();
            if (time is not null)
            {
                builder.Services.AddSingleton(time);
            }

            configure?.Invoke(builder);
        });
        await app.StartAsync();
        return new CollectorHost(app, directory);
    }

    public Task<HttpResponseMessage> PostAsync(string json, string contentType = "application/json") =>
        Client.PostAsync("/reports", new StringContent(json, new MediaTypeHeaderValue(contentType) { CharSet = "utf-8" }));

    /// <summary>Posts and requires 202.</summary>
    public async Task PostAcceptedAsync(string json)
    {
        using var response = await PostAsync(json);
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Accepted, $"The report was answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        _directory?.Dispose();
    }
}

/// <summary>Report bodies as Pinset's reporter writes them (RFC 7469 plus mode, outcome and app fields), from a test PKI's chains.</summary>
internal static class ReportJson
{
    public static string For(
        string host,
        IEnumerable<System.Security.Cryptography.X509Certificates.X509Certificate2> validatedChain,
        IEnumerable<SpkiPin> knownPins,
        string mode = "report-only",
        string outcome = "PinMismatch",
        string? appName = "trading-desk",
        string? appVersion = "4.2.0")
    {
        var chain = validatedChain.Select(c => c.ExportCertificatePem()).ToList();
        var report = new System.Text.Json.Nodes.JsonObject
        {
            ["date-time"] = "2026-12-02T08:00:00Z",
            ["hostname"] = host,
            ["port"] = 443,
            ["effective-expiration-date"] = null,
            ["include-subdomains"] = false,
            ["noted-hostname"] = host,
            ["served-certificate-chain"] = new System.Text.Json.Nodes.JsonArray([.. chain.Select(p => (System.Text.Json.Nodes.JsonNode?)p)]),
            ["validated-certificate-chain"] = new System.Text.Json.Nodes.JsonArray([.. chain.Select(p => (System.Text.Json.Nodes.JsonNode?)p)]),
            ["known-pins"] = new System.Text.Json.Nodes.JsonArray([.. knownPins.Select(p => (System.Text.Json.Nodes.JsonNode?)p.ToHpkpString())]),
            ["mode"] = mode,
            ["outcome"] = outcome,
        };
        if (appName is not null)
        {
            report["app-name"] = appName;
        }

        if (appVersion is not null)
        {
            report["app-version"] = appVersion;
        }

        return report.ToJsonString();
    }

    /// <summary>A report of an interception: the proxy's leaf and root, against a policy of the genuine intermediate and the backup key.</summary>
    public static string Intercepted(TestPki pki, string? appVersion = "4.2.0", string mode = "report-only", string? appName = "trading-desk", string? host = null) =>
        For(host ?? pki.Host, [pki.InterceptorLeaf, pki.InterceptorRoot.Certificate], [pki.Intermediate.Pin, TestPki.BackupPin], mode, appName: appName, appVersion: appVersion);

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
