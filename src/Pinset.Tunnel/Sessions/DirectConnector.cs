using System.Net;
using System.Net.Sockets;

namespace Pinset.Tunnel;

/// <summary>
/// The default <see cref="PinnedTunnelConnector"/>: DNS and TCP to the route's server, connected with a blocking call on
/// a thread of the pool, so the socket stays a blocking one for the session's copy threads. The token (the connect
/// timeout, the tunnel stopping) closes the socket, which ends the connect.
/// </summary>
internal static class DirectConnector
{
    public static async Task<Stream> ConnectAsync(PinnedTunnelRoute route, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using (cancellationToken.Register(socket.Dispose))
            {
                await Task.Run(() => socket.Connect(new DnsEndPoint(route.Host, route.Port)), CancellationToken.None).ConfigureAwait(false);
            }

            cancellationToken.ThrowIfCancellationRequested();
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            socket.Dispose();
            cancellationToken.ThrowIfCancellationRequested();
            throw new IOException($"Could not connect to '{route.Target}': {ex.Message}", ex);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
