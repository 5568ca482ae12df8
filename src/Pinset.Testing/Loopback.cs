using System.Net;
using System.Net.Sockets;

namespace Pinset.Testing;

/// <summary>
/// Sends the connections of an HttpClient handler to a loopback port, whatever host the URL names (like curl's
/// <c>--resolve</c>): the URL, the TLS server name and the pinning policy keep the real host name.
/// </summary>
public static class Loopback
{
    /// <summary>A TCP connection to 127.0.0.1:<paramref name="port"/>.</summary>
    public static ValueTask<Stream> ConnectAsync(int port, CancellationToken cancellationToken = default) =>
        ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken);

    /// <summary>A TCP connection to <paramref name="endPoint"/>, as SocketsHttpHandler opens one by default.</summary>
    internal static async ValueTask<Stream> ConnectAsync(EndPoint endPoint, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endPoint, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>A connect callback (<see cref="SocketsHttpHandler.ConnectCallback"/>) to 127.0.0.1:<paramref name="port"/>.</summary>
    public static Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>> ConnectTo(int port) =>
        (_, cancellationToken) => ConnectAsync(port, cancellationToken);

    /// <summary>A TCP port on 127.0.0.1 that was free a moment ago, for servers that must be told their port.</summary>
    public static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    /// <summary>Routes every connection of <paramref name="handler"/> to 127.0.0.1:<paramref name="port"/> and returns it.</summary>
    public static SocketsHttpHandler Route(SocketsHttpHandler handler, int port)
    {
        ArgumentNullException.ThrowIfNull(handler);
        handler.ConnectCallback = ConnectTo(port);
        return handler;
    }
}
