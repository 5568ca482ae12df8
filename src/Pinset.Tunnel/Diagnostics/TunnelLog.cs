using Microsoft.Extensions.Logging;

namespace Pinset.Tunnel;

/// <summary>
/// The tunnel's log events, one method each. The ids and names are stable: alert on them (<c>pin-refused</c>,
/// <c>policy-expired</c>). An event about one session carries it as <c>Session</c>. <c>pinset tunnel</c> writes these
/// very events as its log lines (the name is a JSON line's <c>event</c>); no event carries a private key or a report body.
/// </summary>
/// <remarks>
/// Some events have more than one wording (a refusal for a pin mismatch, or for a host no policy pins; a drain that
/// ended, or cut): one name and one meaning, several methods, so each wording keeps its own structured fields.
/// </remarks>
#pragma warning disable LOGGEN027 // One event name for the wordings of one event, on purpose (see above).
internal static partial class TunnelLog
{
    [LoggerMessage(EventId = 1, EventName = "listening", Level = LogLevel.Information, Message = "Listening on {Endpoint}{Label}: each connection is forwarded to {Target} over TLS as '{TlsName}', validated and pinned by '{PolicyPath}'.")]
    public static partial void Listening(ILogger logger, string endpoint, string label, string target, string tlsName, string policyPath);

    [LoggerMessage(EventId = 2, EventName = "session-opened", Level = LogLevel.Information, Message = "Session {Session} opened: {Client} -> {Target}{Label}.")]
    public static partial void SessionOpened(ILogger logger, long session, string client, string target, string label);

    [LoggerMessage(EventId = 3, EventName = "pin-passed", Level = LogLevel.Information, Message = "Session {Session}: the pin check of '{Host}' passed (policy pattern '{Pattern}', {Protocol}); forwarding.")]
    public static partial void PinPassed(ILogger logger, long session, string host, string pattern, string protocol);

    [LoggerMessage(EventId = 4, EventName = "pin-flagged", Level = LogLevel.Warning, Message = "Session {Session}: {Target} is forwarded as its policy says, but look at this:\n{Result}")]
    public static partial void PinFlagged(ILogger logger, long session, string target, string result);

    [LoggerMessage(EventId = 5, EventName = "pin-refused", Level = LogLevel.Error, Message = "Session {Session} refused: {Target} failed the pin check; the client's connection is closed and nothing was sent to the server.\n{FailureBlock}")]
    public static partial void PinRefused(ILogger logger, long session, string target, string failureBlock);

    [LoggerMessage(EventId = 6, EventName = "pin-refused", Level = LogLevel.Error, Message = "Session {Session} refused: {Reason} The client's connection is closed and nothing was sent to the server.")]
    public static partial void Unpinned(ILogger logger, long session, string reason);

    [LoggerMessage(EventId = 7, EventName = "policy-expired", Level = LogLevel.Error, Message = "Session {Session} refused: {Reason} The client's connection is closed and nothing was sent to the server.")]
    public static partial void SessionRefusedExpired(ILogger logger, long session, string reason);

    [LoggerMessage(EventId = 8, EventName = "connect-failed", Level = LogLevel.Error, Message = "Session {Session}: {Problem} The client's connection is closed.")]
    public static partial void ConnectFailed(ILogger logger, long session, string problem);

    [LoggerMessage(EventId = 9, EventName = "handshake-failed", Level = LogLevel.Error, Message = "Session {Session}: the TLS handshake with '{Target}' did not finish within {Timeout} ({Setting}); the client's connection is closed.")]
    public static partial void HandshakeTimedOut(ILogger logger, long session, string target, string timeout, string setting);

    [LoggerMessage(EventId = 10, EventName = "handshake-failed", Level = LogLevel.Error, Message = "Session {Session}: the TLS handshake with '{Target}' failed: {Problem} The client's connection is closed.")]
    public static partial void HandshakeFailed(ILogger logger, long session, string target, string problem);

    [LoggerMessage(EventId = 11, EventName = "close-notify-failed", Level = LogLevel.Warning, Message = "Session {Session}: TLS close_notify could not be sent ({Problem}); the server is told the client has finished by the TCP end of stream alone.")]
    public static partial void CloseNotifyFailed(ILogger logger, long session, string problem);

    [LoggerMessage(EventId = 12, EventName = "session-closed", Level = LogLevel.Information, Message = "Session {Session} {Ending} after {Seconds} s: {ToServer} to {Target}, {ToClient} back to the client.")]
    public static partial void SessionClosed(ILogger logger, long session, string ending, string seconds, string toServer, string target, string toClient);

    [LoggerMessage(EventId = 13, EventName = "report-failed", Level = LogLevel.Warning, Message = "Session {Session}: {Problem}")]
    public static partial void ReportFailed(ILogger logger, long session, string problem);

    [LoggerMessage(EventId = 14, EventName = "policy-reloaded", Level = LogLevel.Information, Message = "Policy '{PolicyPath}' changed and was reloaded{Label}; new connections are judged by it, open sessions keep the policy they were opened under.")]
    public static partial void PolicyReloaded(ILogger logger, string policyPath, string label);

    [LoggerMessage(EventId = 15, EventName = "policy-reload-failed", Level = LogLevel.Error, Message = "Policy '{PolicyPath}' changed but does not load{Label}; the last good policy stays in force. {Problem}")]
    public static partial void PolicyReloadFailed(ILogger logger, string policyPath, string label, string problem);

    [LoggerMessage(EventId = 16, EventName = "policy-expiring", Level = LogLevel.Warning, Message = "The policy pinning '{TlsName}' in '{PolicyPath}'{Label} expires on {Expires}, in {Left}: from then the tunnel refuses every new session. Renew it before.")]
    public static partial void PolicyExpiring(ILogger logger, string tlsName, string policyPath, string label, string expires, string left);

    [LoggerMessage(EventId = 17, EventName = "policy-expired", Level = LogLevel.Error, Message = "The policy in force{Label} has expired: new sessions are refused, because {Reason}")]
    public static partial void PolicyExpired(ILogger logger, string label, string reason);

    [LoggerMessage(EventId = 18, EventName = "accept-failed", Level = LogLevel.Error, Message = "Accepting a connection on {Endpoint} failed: {Problem}")]
    public static partial void AcceptFailed(ILogger logger, string endpoint, string problem);

    [LoggerMessage(EventId = 19, EventName = "stopping", Level = LogLevel.Information, Message = "Stopping: no new connections are accepted; waiting up to {DrainTimeout} ({Setting}) for {Sessions} to end.")]
    public static partial void Stopping(ILogger logger, string drainTimeout, string setting, string sessions);

    [LoggerMessage(EventId = 20, EventName = "stopped", Level = LogLevel.Information, Message = "Stopped: no new connections are accepted, and no session was open.")]
    public static partial void StoppedIdle(ILogger logger);

    [LoggerMessage(EventId = 21, EventName = "stopped", Level = LogLevel.Information, Message = "Stopped: every session ended.")]
    public static partial void StoppedDrained(ILogger logger);

    [LoggerMessage(EventId = 22, EventName = "stopped", Level = LogLevel.Warning, Message = "Stopped: {Sessions} still open after {DrainTimeout} ({Setting}) and {WasOrWere} cut.")]
    public static partial void StoppedCut(ILogger logger, string sessions, string drainTimeout, string setting, string wasOrWere);
}
#pragma warning restore LOGGEN027
