using System.Diagnostics.Metrics;

namespace Pinset.Collector;

/// <summary>The collector's metric names, in one place; docs/collector.md lists each (a test checks).</summary>
internal static class CollectorMetricNames
{
    public const string Meter = "Pinset.Collector";
    public const string ReportsReceived = "pinset.collector.reports.received";
    public const string ReportsStored = "pinset.collector.reports.stored";
    public const string ReportsRejected = "pinset.collector.reports.rejected";
    public const string CommitBatchSize = "pinset.collector.commit.batch_size";
    public const string AlertsSent = "pinset.collector.alerts.sent";
    public const string ReasonTag = "reason";

    public static IReadOnlyList<string> All { get; } = [ReportsReceived, ReportsStored, ReportsRejected, CommitBatchSize, AlertsSent];
}

/// <summary>
/// The collector's instruments (System.Diagnostics.Metrics, so OpenTelemetry, dotnet-counters and Prometheus exporters
/// read them): reports received, stored and rejected by reason, group-commit sizes, alerts sent.
/// </summary>
internal sealed class CollectorMetrics
{
    private readonly Counter<long> _received;
    private readonly Counter<long> _stored;
    private readonly Counter<long> _rejected;
    private readonly Histogram<int> _batchSize;
    private readonly Counter<long> _alerts;

    public CollectorMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(CollectorMetricNames.Meter);
        _received = meter.CreateCounter<long>(CollectorMetricNames.ReportsReceived, "{report}", "Reports posted to /reports, before any check.");
        _stored = meter.CreateCounter<long>(CollectorMetricNames.ReportsStored, "{report}", "Reports durably stored and answered 202.");
        _rejected = meter.CreateCounter<long>(CollectorMetricNames.ReportsRejected, "{report}", "Reports refused, by reason.");
        _batchSize = meter.CreateHistogram<int>(CollectorMetricNames.CommitBatchSize, "{report}", "Reports written by one group commit.");
        _alerts = meter.CreateCounter<long>(CollectorMetricNames.AlertsSent, "{alert}", "Failure-spike alerts delivered to the webhook.");
    }

    public void Received() => _received.Add(1);

    public void Stored(int count)
    {
        _stored.Add(count);
        _batchSize.Record(count);
    }

    public void Rejected(RejectionReason reason) => _rejected.Add(1, new KeyValuePair<string, object?>(CollectorMetricNames.ReasonTag, ReportRejectedException.Tag(reason)));

    public void AlertSent() => _alerts.Add(1);
}
