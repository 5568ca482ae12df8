using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Pinset.Collector;

/// <summary>
/// Checks every <see cref="AlertOptions.CheckInterval"/> (on <see cref="TimeProvider"/>) whether a host's reports within
/// the last <see cref="AlertOptions.Window"/> reached <see cref="AlertOptions.Threshold"/>, and posts one Slack-compatible
/// message (<c>{"text": ...}</c>) when one does. Deduplicated in the database: an alert stays open while the host stays
/// above the threshold, so it is sent once per spike, by one instance however many share the database. A delivery that
/// fails (after the resilience handler's retries) reopens the alert for the next check.
/// </summary>
internal sealed class AlertMonitor(ReportStore store, IHttpClientFactory clients, TimeProvider time, CollectorMetrics metrics, IOptions<CollectorOptions> options, ILogger<AlertMonitor> logger) : BackgroundService
{
    /// <summary>The named HttpClient the webhook is posted with.</summary>
    public const string ClientName = "Pinset.Collector.Alerts";

    private readonly AlertOptions _options = options.Value.Alerts;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_options.WebhookUrl is null)
        {
            return;
        }

        using var timer = new PeriodicTimer(_options.CheckInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                await CheckAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                CollectorLog.PeriodicTaskFailed(logger, "alerts", ex);
            }
        }
    }

    /// <summary>One check: raises an alert for each host newly above the threshold and clears those back below it. Returns the hosts alerted.</summary>
    public async Task<IReadOnlyList<string>> CheckAsync(CancellationToken cancellationToken)
    {
        if (_options.WebhookUrl is not { } webhook)
        {
            return [];
        }

        var now = time.GetUtcNow();
        var fromMinute = (now - _options.Window).ToUnixTimeSeconds() / 60;
        var failures = (await store.FailuresSinceAsync(fromMinute, cancellationToken).ConfigureAwait(false)).ToDictionary(f => f.Host, f => f.Reports, StringComparer.Ordinal);
        foreach (var host in await store.OpenAlertsAsync(cancellationToken).ConfigureAwait(false))
        {
            if (failures.GetValueOrDefault(host) < _options.Threshold)
            {
                await store.CloseAlertAsync(host, cancellationToken).ConfigureAwait(false);
            }
        }

        var alerted = new List<string>();
        foreach (var (host, count) in failures.Where(f => f.Value >= _options.Threshold).OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            if (!await store.TryOpenAlertAsync(host, now, count, cancellationToken).ConfigureAwait(false))
            {
                continue;
            }

            try
            {
                using var client = clients.CreateClient(ClientName);
                using var content = new StringContent(Message(host, count), Encoding.UTF8, "application/json");
                using var response = await client.PostAsync(webhook, content, cancellationToken).ConfigureAwait(false);
                response.EnsureSuccessStatusCode();
                metrics.AlertSent();
                CollectorLog.AlertSent(logger, host, count, _options.Window);
                alerted.Add(host);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                // Refused, timed out, circuit open, or anything else: reopen, so the next check tries again.
                CollectorLog.AlertFailed(logger, host, ex);
                await store.CloseAlertAsync(host, CancellationToken.None).ConfigureAwait(false);
            }
        }

        return alerted;
    }

    private string Message(string host, long count)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("text", $"Pinset: {count} pin-violation reports for '{host}' in the last {Describe(_options.Window)} (threshold {_options.Threshold}). Open the collector's dashboard for the chains and app versions behind them.");
            json.WriteString("host", host);
            json.WriteNumber("reports", count);
            json.WriteNumber("threshold", _options.Threshold);
            json.WriteNumber("windowSeconds", (long)_options.Window.TotalSeconds);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string Describe(TimeSpan window) => window.TotalMinutes >= 1 && window.TotalMinutes % 1 == 0
        ? $"{window.TotalMinutes:0} minute{(window.TotalMinutes == 1 ? string.Empty : "s")}"
        : $"{window.TotalSeconds:0} seconds";
}
