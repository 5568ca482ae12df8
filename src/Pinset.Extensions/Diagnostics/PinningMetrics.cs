using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Pinset.Extensions;

/// <summary>The names of Pinset's meter, instruments and tags, in one place (a test holds them).</summary>
public static class PinningMetricNames
{
    /// <summary>The meter.</summary>
    public const string Meter = "Pinset";

    /// <summary>Counter: every validation, by outcome and host pattern.</summary>
    public const string Validations = "pinset.validations";

    /// <summary>Counter: validations that refused a connection or flagged it (expired policy, report-only mismatch), by outcome and host pattern.</summary>
    public const string Failures = "pinset.failures";

    /// <summary>Counter: pin-violation reports delivered (a 2xx answer).</summary>
    public const string ReportsSent = "pinset.reports.sent";

    /// <summary>Counter: reports given up after every attempt.</summary>
    public const string ReportsFailed = "pinset.reports.failed";

    /// <summary>Counter: reports dropped because the queue was full.</summary>
    public const string ReportsDropped = "pinset.reports.dropped";

    /// <summary>Counter: reports still queued or being sent when shutdown's time (<see cref="PinningReportOptions.ShutdownTimeout"/>) ran out, or made after it.</summary>
    public const string ReportsAbandoned = "pinset.reports.abandoned";

    /// <summary>Counter: reports not sent again within the duplicate window.</summary>
    public const string ReportsSuppressed = "pinset.reports.suppressed";

    /// <summary>
    /// Counter: TLS handshakes to a host the policy covers that completed without passing through Pinset, by host
    /// pattern (<see cref="PinningOptions.DetectUnpinnedHandshakes"/>).
    /// </summary>
    public const string UnpinnedHandshakes = "pinset.unpinned_handshakes";

    /// <summary>Counter: pin bundle fetches, by <see cref="BundleOutcomeTag"/> and, for refusals, <see cref="BundleRefusalTag"/>.</summary>
    public const string BundleRefreshes = "pinset.bundle.refreshes";

    /// <summary>Gauge: the version of the pin bundle in force (0 before any), expired or not.</summary>
    public const string BundleVersion = "pinset.bundle.version";

    /// <summary>Gauge: 1 while the pin bundle in force has expired (the fallback or a refusal applies), else 0.</summary>
    public const string BundleExpired = "pinset.bundle.expired";

    /// <summary>Tag: a bundle fetch's outcome, one of <see cref="PinBundleRefreshOutcome"/>'s names.</summary>
    public const string BundleOutcomeTag = "pinset.bundle.outcome";

    /// <summary>Tag: why a bundle was refused, one of <see cref="PinBundleRefusal"/>'s names.</summary>
    public const string BundleRefusalTag = "pinset.bundle.refusal";

    /// <summary>Tag: the outcome, one of <see cref="PinValidationOutcome"/>'s names.</summary>
    public const string OutcomeTag = "pinset.outcome";

    /// <summary>
    /// Tag: the host pattern that matched (bounded by the policy's size), or <c>(unpinned)</c>: never the raw host name,
    /// which would let any server an app visits grow the metric without bound.
    /// </summary>
    public const string HostTag = "pinset.host";
}

/// <summary>Counts validations through a meter from <see cref="IMeterFactory"/>.</summary>
internal sealed class PinningMetrics
{
    private readonly Counter<long> _validations;
    private readonly Counter<long> _failures;
    private readonly Counter<long> _unpinned;

    public PinningMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(PinningMetricNames.Meter);
        _validations = meter.CreateCounter<long>(PinningMetricNames.Validations, "{validation}", "TLS certificate validations by Pinset.");
        _failures = meter.CreateCounter<long>(PinningMetricNames.Failures, "{validation}", "Validations refused or flagged by Pinset.");
        _unpinned = meter.CreateCounter<long>(PinningMetricNames.UnpinnedHandshakes, "{handshake}", "TLS handshakes to a pinned host that no Pinset validator saw.");
    }

    public void Record(PinValidationResult result)
    {
        var tags = new TagList
        {
            { PinningMetricNames.OutcomeTag, result.Outcome.ToString() },
            { PinningMetricNames.HostTag, result.MatchedPattern?.ToString() ?? "(unpinned)" },
        };
        _validations.Add(1, tags);
        if (result.Outcome is not (PinValidationOutcome.PinMatched or PinValidationOutcome.NoPolicy))
        {
            _failures.Add(1, tags);
        }
    }

    public void RecordUnpinned(UnpinnedHandshake handshake) =>
        _unpinned.Add(1, new KeyValuePair<string, object?>(PinningMetricNames.HostTag, handshake.Pattern?.ToString() ?? "(requirePinnedHosts)"));
}
