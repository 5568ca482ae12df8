using System.Globalization;

namespace Pinset.Cli;

/// <summary>
/// The tunnel's log on standard error: one line per event, led by the UTC time and, under <c>--json</c>, one JSON object
/// per line (<c>time</c>, <c>type</c>, <c>event</c>, <c>session</c> where there is one, <c>message</c>). A failure
/// block is the one event that spans lines in text; in JSON it is the message. Lines from concurrent sessions never
/// interleave.
/// </summary>
internal sealed class TunnelLog(CliConsole console)
{
    private readonly Lock _gate = new();

    /// <summary>Something that happened as it should: listening, a session opened, passed or closed.</summary>
    public void Info(string eventName, long? session, string message) => Write("info", eventName, session, message);

    /// <summary>Something to look at that did not stop a session: a report-only mismatch, an expired policy, a report not sent.</summary>
    public void Warn(string eventName, long? session, string message) => Write("warning", eventName, session, message);

    /// <summary>A refusal or a failure: a pin check failed, the server could not be reached, a policy did not reload.</summary>
    public void Error(string eventName, long? session, string message) => Write("error", eventName, session, message);

    private void Write(string type, string eventName, long? session, string message)
    {
        var time = console.Time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        string line = console.Json
            ? JsonDocumentWriter.WriteLine(w =>
            {
                w.WriteString("time", time);
                w.WriteString("type", type);
                w.WriteString("event", eventName);
                if (session is { } id)
                {
                    w.WriteNumber("session", id);
                }

                w.WriteString("message", message);
            })
            : $"{time} {(type == "info" ? string.Empty : type + ": ")}{message}";
        lock (_gate)
        {
            console.Error.WriteLine(line);
            console.Error.Flush();
        }
    }
}
