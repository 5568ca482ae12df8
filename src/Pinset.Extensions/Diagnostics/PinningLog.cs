using Microsoft.Extensions.Logging;

namespace Pinset.Extensions;

/// <summary>Pinset's log events. The ids are stable: alert on them. No event carries a private key or a report body.</summary>
internal static partial class PinningLog
{
    [LoggerMessage(EventId = 1, EventName = "PinValidationFailed", Level = LogLevel.Warning, Message = "A TLS connection to '{Host}' was refused by certificate pinning ({Outcome}).\n{FailureBlock}")]
    public static partial void PinValidationFailed(ILogger logger, string host, PinValidationOutcome outcome, string failureBlock);

    [LoggerMessage(EventId = 2, EventName = "PolicyExpired", Level = LogLevel.Warning, Message = "The pinning policy for '{Host}' has expired and is not enforced; renew it.\n{FailureBlock}")]
    public static partial void PolicyExpired(ILogger logger, string host, string failureBlock);

    [LoggerMessage(EventId = 3, EventName = "ReportOnlyMismatch", Level = LogLevel.Warning, Message = "A TLS connection to '{Host}' does not satisfy its report-only pinning policy and was allowed.\n{FailureBlock}")]
    public static partial void ReportOnlyMismatch(ILogger logger, string host, string failureBlock);

    [LoggerMessage(EventId = 4, EventName = "ReloadApplied", Level = LogLevel.Information, Message = "A new pinning configuration is in force for new connections (policies: {PolicyCount}).")]
    public static partial void ReloadApplied(ILogger logger, int policyCount);

    [LoggerMessage(EventId = 5, EventName = "ReloadRejected", Level = LogLevel.Error, Message = "A changed pinning configuration was refused; the last good policy stays in force. What is wrong ({ErrorCount}):\n{Errors}")]
    public static partial void ReloadRejected(ILogger logger, int errorCount, string errors);

    [LoggerMessage(EventId = 6, EventName = "ConfigurationRefused", Level = LogLevel.Critical, Message = "The pinning configuration was refused; pinned connections cannot start. What is wrong ({ErrorCount}):\n{Errors}")]
    public static partial void ConfigurationRefused(ILogger logger, int errorCount, string errors);

    [LoggerMessage(EventId = 7, EventName = "ReportSendFailed", Level = LogLevel.Warning, Message = "A pin-violation report for '{Host}' could not be delivered to '{ReportUri}' (attempt {Attempt} of {MaxAttempts}): {Problem}.")]
    public static partial void ReportSendFailed(ILogger logger, string host, string reportUri, int attempt, int maxAttempts, string problem);

    [LoggerMessage(EventId = 8, EventName = "ReportDropped", Level = LogLevel.Warning, Message = "A pin-violation report for '{Host}' was dropped: the queue is full (capacity: {Capacity}).")]
    public static partial void ReportDropped(ILogger logger, string host, int capacity);

    [LoggerMessage(EventId = 9, EventName = "UnpinnedHandshake", Level = LogLevel.Warning, Message = "A TLS handshake to '{Host}', which the pinning policy covers ({Pattern}), completed without passing through Pinset: some client in this process is not pinned (an HttpClient made with new, a library's own client). Pin it, or route it through IHttpClientFactory with UseCertificatePinning().")]
    public static partial void UnpinnedHandshake(ILogger logger, string host, string pattern);

    [LoggerMessage(EventId = 10, EventName = "PooledConnectionsNotRechecked", Level = LogLevel.Warning, Message = "The new pinning policy removed {RemovedPins}, but HttpClient {Clients} use an HttpClientHandler, whose pooled connections Pinset cannot judge again: they stay in use until the factory recycles the handler. Let Pinset give those clients a SocketsHttpHandler (leave the primary handler unset), or configure one yourself.")]
    public static partial void PooledConnectionsNotRechecked(ILogger logger, string removedPins, string clients);

    [LoggerMessage(EventId = 11, EventName = "BundleApplied", Level = LogLevel.Information, Message = "Pin bundle version {Version}, signed by {KeyId}, is in force for new connections until {Expires} ({Source}).")]
    public static partial void BundleApplied(ILogger logger, long version, string keyId, string expires, string source);

    [LoggerMessage(EventId = 12, EventName = "BundleRefused", Level = LogLevel.Error, Message = "A pin bundle (version {Version}) was refused ({Reason}); the policy in force did not change. {Problem}")]
    public static partial void BundleRefused(ILogger logger, long version, PinBundleRefusal reason, string problem);

    [LoggerMessage(EventId = 13, EventName = "BundleExpired", Level = LogLevel.Warning, Message = "Pin bundle version {Version} expired at {Expires}: {Consequence}.")]
    public static partial void BundleExpired(ILogger logger, long version, string expires, string consequence);

    [LoggerMessage(EventId = 14, EventName = "BundleFetchFailed", Level = LogLevel.Warning, Message = "No pin bundle could be fetched: {Problem} The policy in force did not change.")]
    public static partial void BundleFetchFailed(ILogger logger, string problem);

    [LoggerMessage(EventId = 15, EventName = "ReportsAbandoned", Level = LogLevel.Warning, Message = "{Count} pin-violation report(s) could not be sent before the app shut down: {Reason}")]
    public static partial void ReportsAbandoned(ILogger logger, long count, string reason);
}
