namespace Pinset.Testing;

/// <summary>The host names an app's service collection routes to loopback ports, read at each connection.</summary>
internal sealed class LoopbackRoutes
{
    private readonly Dictionary<string, int> _ports = new(StringComparer.OrdinalIgnoreCase);

    public void Add(string host, int port)
    {
        lock (_ports)
        {
            _ports[Normalize(host)] = port;
        }
    }

    public bool TryGetPort(string host, out int port)
    {
        lock (_ports)
        {
            return _ports.TryGetValue(Normalize(host), out port);
        }
    }

    /// <summary>
    /// A connect callback that sends routed hosts to their loopback port and every other host where
    /// <paramref name="previous"/> (the app's own callback) or, without one, the default connection would go.
    /// </summary>
    public Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>> Wrap(Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>>? previous) =>
        (context, cancellationToken) =>
        {
            if (TryGetPort(context.DnsEndPoint.Host, out int port))
            {
                return Loopback.ConnectAsync(port, cancellationToken);
            }

            return previous is not null ? previous(context, cancellationToken) : Loopback.ConnectAsync(context.DnsEndPoint, cancellationToken);
        };

    private static string Normalize(string host) => host.Trim('[', ']').TrimEnd('.');
}
