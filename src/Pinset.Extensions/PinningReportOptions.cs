namespace Pinset.Extensions;

/// <summary>How pin-violation reports are sent (<see cref="PinningOptions.Reporting"/>). Every bound keeps reporting off the handshake path.</summary>
public sealed class PinningReportOptions
{
    /// <summary>Reports waiting to be sent at most; more are dropped and counted (<c>pinset.reports.dropped</c>). Default: 100.</summary>
    public int QueueCapacity { get; set; } = 100;

    /// <summary>How long one POST may take. Default: 5 seconds.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Attempts per report URI, the first included. Default: 3.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>The first retry's delay; each next one doubles, with up to 50% random jitter added. Default: 1 second.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>An identical report (host, port, validated chain, known pins, outcome) is sent once per this window. Default: 24 hours, TrustKit's rule.</summary>
    public TimeSpan DuplicateWindow { get; set; } = TimeSpan.FromHours(24);

    /// <summary>At shutdown, how long queued reports may still be sent before they are abandoned. Default: 5 seconds.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(5);

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

        foreach (var (name, value) in new[] { ("RequestTimeout", RequestTimeout), ("RetryDelay", RetryDelay), ("ShutdownTimeout", ShutdownTimeout), ("DuplicateWindow", DuplicateWindow) })
        {
            if (value <= TimeSpan.Zero)
            {
                yield return $"Reporting.{name} is '{value}'; expected a positive time.";
            }
        }
    }
}
