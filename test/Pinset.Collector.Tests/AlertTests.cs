using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
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
    private async Task<CollectorHost> StartAsync(TimeSpan interval, Uri? webhook = null) => _collector = await CollectorHost.StartAsync(
        new Dictionary<string, string?>
        {
            ["Alerts:WebhookUrl"] = (webhook ?? _webhook.Url).ToString(),
            ["Alerts:Threshold"] = "5",
            ["Alerts:Window"] = "00:05:00",
            ["Alerts:CheckInterval"] = interval.ToString(),
        },
        _time);

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
