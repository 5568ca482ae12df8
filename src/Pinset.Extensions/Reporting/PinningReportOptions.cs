using System.Security.Cryptography.X509Certificates;

namespace Pinset.Extensions;

/// <summary>How pin-violation reports are sent (<see cref="PinningOptions.Reporting"/>). Every bound keeps reporting off the handshake path.</summary>
public sealed class PinningReportOptions
{
    /// <summary>Reports waiting to be sent at most; more are dropped and counted (<c>pinset.reports.dropped</c>). Default: 100.</summary>
    public int QueueCapacity { get; set; } = 100;

    /// <summary>How long one attempt (one POST) may take. Default: 5 seconds.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long one report may take to one URI, every attempt and every retry delay included. Default: 30 seconds.</summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Attempts per report URI, the first included. Network errors, timeouts, 408, 429 and 5xx answers are retried;
    /// other answers are not. Default: 3.
    /// </summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>
    /// The median delay before the first retry; each next one doubles, with random jitter (Polly's exponential backoff
    /// with jitter), unless the endpoint's <c>Retry-After</c> asks for another. Default: 1 second.
    /// </summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Failed attempts to one report endpoint (scheme, host and port) within a minute, with no success among them, that
    /// open its circuit: for <see cref="BreakDuration"/> reports to it fail at once, without a request, so a dead
    /// collector is not hammered by every instance of the app. Default: 5.
    /// </summary>
    public int BreakAfterFailures { get; set; } = 5;

    /// <summary>How long an open circuit stays open before one report is let through to test the endpoint again. Default: 30 seconds.</summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>An identical report (host, port, validated chain, known pins, outcome) is sent once per this window. Default: 24 hours, TrustKit's rule.</summary>
    public TimeSpan DuplicateWindow { get; set; } = TimeSpan.FromHours(24);

    /// <summary>At shutdown, how long queued reports may still be sent before they are abandoned. Default: 5 seconds.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Roots to trust for sending reports (a collector under a private CA) instead of the app's
    /// <see cref="PinningOptions.CustomTrustRoots"/>, which the report client trusts when this is null (and the system
    /// store when both are). An empty collection is refused at start-up.
    /// </summary>
    public X509Certificate2Collection? CustomTrustRoots { get; set; }

    /// <summary>Optional app name, added to each report as <c>app-name</c>.</summary>
    public string? AppName { get; set; }

    /// <summary>Optional app version, added to each report as <c>app-version</c>.</summary>
    public string? AppVersion { get; set; }

    /// <summary>The problems with these settings, for the options validator.</summary>
    internal IEnumerable<string> Problems()
    {
        if (QueueCapacity is < 1 or > 100_000)
        {
            yield return $"Reporting.QueueCapacity is {QueueCapacity}; expected 1 to 100000.";
        }

        if (MaxAttempts is < 1 or > 10)
        {
            yield return $"Reporting.MaxAttempts is {MaxAttempts}; expected 1 to 10.";
        }

        if (BreakAfterFailures is < 2 or > 1000)
        {
            yield return $"Reporting.BreakAfterFailures is {BreakAfterFailures}; expected 2 to 1000.";
        }

        foreach (var (name, value) in new[] { ("RetryDelay", RetryDelay), ("ShutdownTimeout", ShutdownTimeout), ("DuplicateWindow", DuplicateWindow) })
        {
            if (value <= TimeSpan.Zero)
            {
                yield return $"Reporting.{name} is '{value}'; expected a positive time.";
            }
        }

        // The bounds of Polly's timeout and circuit breaker strategies, which send the reports.
        foreach (var (name, value) in new[] { ("RequestTimeout", RequestTimeout), ("TotalTimeout", TotalTimeout) })
        {
            if (value < TimeSpan.FromMilliseconds(10) || value > TimeSpan.FromDays(1))
            {
                yield return $"Reporting.{name} is '{value}'; expected 10 milliseconds to 24 hours.";
            }
        }

        if (TotalTimeout < RequestTimeout)
        {
            yield return $"Reporting.TotalTimeout '{TotalTimeout}' is shorter than Reporting.RequestTimeout '{RequestTimeout}'; the total bounds every attempt together, so make it at least as long.";
        }

        if (RetryDelay > TimeSpan.FromDays(1))
        {
            yield return $"Reporting.RetryDelay is '{RetryDelay}'; expected at most 24 hours.";
        }

        if (CustomTrustRoots is { Count: 0 })
        {
            yield return "Reporting.CustomTrustRoots is an empty collection, which would trust no root at all; add the roots to trust, or leave it null for the app's roots.";
        }

        if (BreakDuration < TimeSpan.FromMilliseconds(500) || BreakDuration > TimeSpan.FromDays(1))
        {
            yield return $"Reporting.BreakDuration is '{BreakDuration}'; expected half a second to 24 hours.";
        }
    }
}
