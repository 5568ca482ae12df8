namespace Pinset.Collector;

/// <summary>The collector's log events, with stable ids. Report bodies are never logged; hosts and reasons are.</summary>
internal static partial class CollectorLog
{
    [LoggerMessage(1, LogLevel.Information, "Reports are stored in the {Storage}; schema version {Version}, retention {Retention}.")]
    public static partial void StorageReady(ILogger logger, string storage, int version, TimeSpan retention);

    [LoggerMessage(2, LogLevel.Warning, "No Dashboard:ApiKey is configured: the dashboard and /api answer loopback clients only. Set Dashboard:ApiKey to open them to other addresses.")]
    public static partial void DashboardLoopbackOnly(ILogger logger);

    [LoggerMessage(3, LogLevel.Information, "The dashboard and /api require the configured Dashboard:ApiKey.")]
    public static partial void DashboardKeyRequired(ILogger logger);

    [LoggerMessage(4, LogLevel.Debug, "A report from {Client} was refused ({Reason}): {Message}")]
    public static partial void ReportRejected(ILogger logger, string client, string reason, string message);

    [LoggerMessage(5, LogLevel.Error, "A group commit failed (reports: {Count}); they were answered 503 so their senders retry.")]
    public static partial void CommitFailed(ILogger logger, int count, Exception exception);

    [LoggerMessage(6, LogLevel.Warning, "Alert sent for '{Host}': failure reports in the last {Window}: {Failures}.")]
    public static partial void AlertSent(ILogger logger, string host, long failures, TimeSpan window);

    [LoggerMessage(7, LogLevel.Error, "The alert for '{Host}' could not be delivered to the webhook; it is tried again at the next check.")]
    public static partial void AlertFailed(ILogger logger, string host, Exception exception);

    [LoggerMessage(8, LogLevel.Information, "Retention: {Rows} report groups older than {Retention} were deleted.")]
    public static partial void Purged(ILogger logger, int rows, TimeSpan retention);

    [LoggerMessage(9, LogLevel.Information, "Schema migration {Version} applied.")]
    public static partial void MigrationApplied(ILogger logger, int version);

    [LoggerMessage(10, LogLevel.Information, "Policy file '{Path}' loaded (policies: {Policies}); the dashboard proposes changes to it.")]
    public static partial void PolicyLoaded(ILogger logger, string path, int policies);

    [LoggerMessage(11, LogLevel.Information, "Reports need the ingestion token (Ingestion:Token) as ?token= or Authorization: Bearer.")]
    public static partial void IngestionTokenRequired(ILogger logger);

    [LoggerMessage(12, LogLevel.Error, "A periodic task ({Task}) failed; it runs again at its next interval.")]
    public static partial void PeriodicTaskFailed(ILogger logger, string task, Exception exception);
}
