using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Pinset.Cli;

/// <summary>
/// The tunnel's log on standard error: each event of the engine (Pinset.Tunnel) as one line, led by the UTC time and,
/// under <c>--json</c>, one JSON object per line (<c>time</c>, <c>type</c>, <c>event</c>, <c>session</c> where there is
/// one, <c>message</c>). A failure block is the one event that spans lines in text; in JSON it is the message. Lines
/// from concurrent sessions never interleave.
/// </summary>
internal sealed class TunnelLogWriter(CliConsole console) : ILogger
{
    private readonly Lock _gate = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        // An event about one session carries it as 'Session' (Pinset.Tunnel's log events).
        long? session = state is IEnumerable<KeyValuePair<string, object?>> fields && fields.FirstOrDefault(f => f.Key == "Session").Value is long id ? id : null;
        var type = logLevel switch
        {
            LogLevel.Warning => "warning",
            LogLevel.Error or LogLevel.Critical => "error",
            _ => "info",
        };
        Write(type, eventId.Name ?? eventId.Id.ToString(CultureInfo.InvariantCulture), session, formatter(state, exception));
    }

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
