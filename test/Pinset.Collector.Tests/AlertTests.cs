using System.Text.Json;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Pinset.Collector.Tests;

/// <summary>
/// The failure-spike webhook, posted through IHttpClientFactory to a real HTTP endpoint on loopback, on a fake clock:
/// once when a host passes the threshold within the window, not again while the spike lasts, again for a new spike.
/// </summary>
public sealed class AlertTests : IAsyncLifetime, IDisposable
{
    private readonly TestPki _pki = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 2, 8, 0, 30, TimeSpan.Zero));
    private ReportEndpoint _webhook = null!;
    private CollectorHost? _collector;

    public async Task InitializeAsync() => _webhook = await ReportEndpoint.StartAsync();

    public async Task DisposeAsync()
    {
        if (_collector is not null)
        {
            await _collector.DisposeAsync();
        }

        await _webhook.DisposeAsync();
    }

    /// <summary>Threshold 5 in 5 minutes; the periodic check every <paramref name="interval"/> of the fake clock.</summary>
    private async Task<CollectorHost> StartAsync(TimeSpan interval, Uri? webhook = null, Action<WebApplicationBuilder>? configure = null) =>
        _collector = await StartCollectorAsync(interval, webhook ?? _webhook.Url, _time, configure: configure);

    /// <summary>A collector alerting <paramref name="webhook"/> at 5 reports in 5 minutes, with more settings if given.</summary>
    internal static Task<CollectorHost> StartCollectorAsync(TimeSpan interval, Uri webhook, TimeProvider time, IDictionary<string, string?>? settings = null, Action<WebApplicationBuilder>? configure = null)
    {
        var values = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>())
        {
            ["Alerts:WebhookUrl"] = webhook.ToString(),
            ["Alerts:Threshold"] = "5",
            ["Alerts:Window"] = "00:05:00",
            ["Alerts:CheckInterval"] = interval.ToString(),
        };
        return CollectorHost.StartAsync(values, time, configure);
    }

    public void Dispose() => _pki.Dispose();

    [Fact]
    public async Task Spike_PassesTheThreshold_OneSlackMessageNamingTheHostOnTheNextCheck()
    {
        var collector = await StartAsync(TimeSpan.FromMinutes(1));
        for (int i = 0; i < 5; i++)
        {
            await collector.PostAcceptedAsync(ReportJson.Intercepted(_pki, mode: "enforce"));
        }

        _time.Advance(TimeSpan.FromMinutes(1));
        await _webhook.WaitForReportsAsync(1);

        var (contentType, body) = Assert.Single(_webhook.Reports);
        Assert.StartsWith("application/json", contentType, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(body);
        Assert.Equal(
            "Pinset: 5 pin-violation reports for 'api.exchange.test' in the last 5 minutes (threshold 5). Open the collector's dashboard for the chains and app versions behind them.",
            json.RootElement.GetProperty("text").GetString());
        Assert.Equal("api.exchange.test", json.RootElement.GetProperty("host").GetString());
    }

    [Fact]
    public async Task Spike_Lasting_AlertedOnceThenAgainForTheNextSpike()
    {
        // The periodic check is a day away on the fake clock: only these direct checks run.
        var collector = await StartAsync(TimeSpan.FromDays(1));
        var monitor = collector.Services.GetRequiredService<AlertMonitor>();
        var otherHost = ReportJson.Intercepted(_pki, host: "quiet.exchange.test");
        await collector.PostAcceptedAsync(otherHost);
        for (int i = 0; i < 6; i++)
        {
            await collector.PostAcceptedAsync(ReportJson.Intercepted(_pki));
        }

        Assert.Equal(["api.exchange.test"], await monitor.CheckAsync(CancellationToken.None));
        await collector.PostAcceptedAsync(ReportJson.Intercepted(_pki));
        Assert.Empty(await monitor.CheckAsync(CancellationToken.None));

        _time.Advance(TimeSpan.FromMinutes(10));
        Assert.Empty(await monitor.CheckAsync(CancellationToken.None));
        for (int i = 0; i < 5; i++)
        {
            await collector.PostAcceptedAsync(ReportJson.Intercepted(_pki));
        }

        Assert.Equal(["api.exchange.test"], await monitor.CheckAsync(CancellationToken.None));
        Assert.Equal(2, _webhook.Reports.Count);
    }

    [Fact]
    public async Task Spike_OfProbesFromPinsetCheck_NoAlert()
    {
        // Probes are not users: a script running `pinset check --report` in a loop raises nothing; one app report more does not either.
        var collector = await StartAsync(TimeSpan.FromDays(1));
        var monitor = collector.Services.GetRequiredService<AlertMonitor>();
        for (int i = 0; i < 6; i++)
        {
            await collector.PostAcceptedAsync(ReportJson.Intercepted(_pki, appName: "pinset check", appVersion: "0.9.0", mode: "enforce"));
        }

        await collector.PostAcceptedAsync(ReportJson.Intercepted(_pki, mode: "enforce"));

        Assert.Empty(await monitor.CheckAsync(CancellationToken.None));
        Assert.Empty(_webhook.Reports);
    }

    [Fact]
    public async Task Webhook_FailingOnce_RetriedByTheResilienceHandlerAndDeliveredOnce()
    {
        // The webhook answers 503 to its first post, then 200. The standard handler's retry waits without delay here
        // (its backoff would otherwise wait on the test's fake clock); everything else about it is the collector's.
        await using var webhook = await FlakyWebhook.StartAsync(failures: 1);
        var collector = await StartAsync(TimeSpan.FromDays(1), webhook.Url, builder =>
            builder.Services.ConfigureAll<HttpStandardResilienceOptions>(o =>
            {
                o.Retry.Delay = TimeSpan.Zero;
                o.Retry.UseJitter = false;
            }));
        var monitor = collector.Services.GetRequiredService<AlertMonitor>();
        for (int i = 0; i < 5; i++)
        {
            await collector.PostAcceptedAsync(ReportJson.Intercepted(_pki));
        }

        Assert.Equal(["api.exchange.test"], await monitor.CheckAsync(CancellationToken.None));
        Assert.Equal([503, 200], webhook.Answers);
        Assert.Equal(["api.exchange.test"], await collector.Store.OpenAlertsAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Webhook_Failing_AlertReopenedForTheNextCheck()
    {
        // A path the endpoint does not serve: 404, which the resilience handler does not retry.
        var collector = await StartAsync(TimeSpan.FromDays(1), new Uri(_webhook.Url, "/no-such-webhook"));
        var monitor = collector.Services.GetRequiredService<AlertMonitor>();
        for (int i = 0; i < 5; i++)
        {
            await collector.PostAcceptedAsync(ReportJson.Intercepted(_pki));
        }

        Assert.Empty(await monitor.CheckAsync(CancellationToken.None));
        Assert.Empty(await collector.Store.OpenAlertsAsync(CancellationToken.None));
        Assert.Empty(await monitor.CheckAsync(CancellationToken.None));
        Assert.Empty(await collector.Store.OpenAlertsAsync(CancellationToken.None));
    }
}

/// <summary>Instances behind a load balancer share one PostgreSQL database, and with it the alert's deduplication.</summary>
[Collection(PostgresFixture.Collection)]
public sealed class SharedAlertTests(PostgresFixture postgres) : ScratchTests
{
    [Fact]
    public async Task Spike_TwoInstancesCheckingTogether_OneMessageBetweenThem()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 2, 8, 0, 30, TimeSpan.Zero));
        await using var webhook = await ReportEndpoint.StartAsync();
        var settings = await postgres.SettingsAsync("PostgreSQL", Files);
        await using var first = await AlertTests.StartCollectorAsync(TimeSpan.FromDays(1), webhook.Url, time, settings);
        await using var second = await AlertTests.StartCollectorAsync(TimeSpan.FromDays(1), webhook.Url, time, settings);
        for (int i = 0; i < 5; i++)
        {
            await (i % 2 == 0 ? first : second).PostAcceptedAsync(ReportJson.Intercepted(Pki));
        }

        var checks = await Task.WhenAll(
            Task.Run(() => first.Services.GetRequiredService<AlertMonitor>().CheckAsync(CancellationToken.None)),
            Task.Run(() => second.Services.GetRequiredService<AlertMonitor>().CheckAsync(CancellationToken.None)));

        Assert.Equal(["api.exchange.test"], checks.SelectMany(alerted => alerted));
        Assert.Single(webhook.Reports);
    }
}

/// <summary>A webhook on 127.0.0.1 (real Kestrel) that answers 503 to its first <c>failures</c> posts and 200 after; it records each answer.</summary>
internal sealed class FlakyWebhook : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<int> _answers = [];

    private FlakyWebhook(WebApplication app) => _app = app;

    public Uri Url { get; private set; } = null!;

    public IReadOnlyList<int> Answers
    {
        get
        {
            lock (_answers)
            {
                return [.. _answers];
            }
        }
    }

    public static async Task<FlakyWebhook> StartAsync(int failures)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var webhook = new FlakyWebhook(app);
        app.MapPost("/hook", () =>
        {
            lock (webhook._answers)
            {
                var status = webhook._answers.Count < failures ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK;
                webhook._answers.Add(status);
                return Results.StatusCode(status);
            }
        });
        await app.StartAsync();
        webhook.Url = new Uri(new Uri(app.Urls.First()), "/hook");
        return webhook;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
