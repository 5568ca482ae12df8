using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Pinset.Tunnel.Tests;

/// <summary>One event the tunnel logged: its id and name, level, message and structured fields.</summary>
internal sealed record TunnelEvent(EventId Id, LogLevel Level, string Message, IReadOnlyDictionary<string, object?> Fields)
{
    public long? Session => Fields.TryGetValue("Session", out var value) ? value as long? : null;
}

/// <summary>
/// A logger provider that keeps every event of the tunnel's category as it comes: a test awaits the event it expects
/// (<see cref="WaitForAsync"/>), never a time. Each event is also a line '<c>name: message</c>' of <see cref="Lines"/>.
/// </summary>
internal sealed class TunnelEvents : ILoggerProvider, ILogger
{
    private readonly List<TunnelEvent> _events = [];

    public LogLines Lines { get; } = new();

    public IReadOnlyList<TunnelEvent> All
    {
        get
        {
            lock (_events)
            {
                return [.. _events];
            }
        }
    }

    /// <summary>The first event (logged before or after this call) named <paramref name="name"/> whose message contains <paramref name="text"/>.</summary>
    public async Task<TunnelEvent> WaitForAsync(string name, string text = "")
    {
        await Lines.WaitForAsync(l => l.StartsWith(name + ": ", StringComparison.Ordinal) && l.Contains(text, StringComparison.Ordinal), $"{name}: ...{text}");
        return All.First(e => e.Id.Name == name && e.Message.Contains(text, StringComparison.Ordinal));
    }

    /// <summary>The ports of the <c>listening</c> events, in the order of the routes.</summary>
    public List<int> ListeningPorts() =>
        [.. All.Where(e => e.Id.Name == "listening").Select(e => int.Parse(((string)e.Fields["Endpoint"]!).Split(':')[^1], CultureInfo.InvariantCulture))];

    public ILogger CreateLogger(string categoryName) => categoryName == "Pinset.Tunnel" ? this : Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var fields = state is IEnumerable<KeyValuePair<string, object?>> pairs ? pairs.ToDictionary(p => p.Key, p => p.Value) : [];
        var message = formatter(state, exception);
        lock (_events)
        {
            _events.Add(new TunnelEvent(eventId, logLevel, message, fields));
        }

        Lines.Add($"{eventId.Name}: {message}");
    }

    public void Dispose() => Lines.Close();
}
