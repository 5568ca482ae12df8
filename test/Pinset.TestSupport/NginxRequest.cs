namespace Pinset.TestSupport;

/// <summary>One line of an <see cref="NginxServer"/>'s access log: the port it arrived on, whether TLS resumed a session, the path.</summary>
public sealed record NginxRequest(int Port, bool SessionReused, string Path);
