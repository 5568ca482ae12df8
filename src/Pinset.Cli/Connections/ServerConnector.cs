using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Pinset.Cli;

/// <summary>
/// Opens the TCP connection a probe runs its handshake on, as curl would: <c>--connect-to</c> picks where to go,
/// <c>--resolve</c> (or DNS) the addresses, and an HTTP proxy, when one applies, is asked to CONNECT there. The TLS
/// name is not changed by any of them. Every failure is a <see cref="CliException"/> saying which hop failed.
/// </summary>
internal static class ServerConnector
{
    private const int MaxProxyResponse = 16 * 1024;

    /// <summary>
    /// The connection to <paramref name="target"/>. With <paramref name="blocking"/>, the socket (to the server, or to the
    /// proxy) is connected with a blocking call and never used asynchronously here, so it stays a blocking socket: a thread
    /// that reads it is woken by the kernel itself rather than through the runtime's event loop (the tunnel's copy threads).
    /// </summary>
    public static async Task<Stream> ConnectAsync(ServerTarget target, ConnectionSettings settings, CancellationToken timeout, CancellationToken cancel, bool blocking = false)
    {
        var (host, port) = settings.ConnectTos.Select(c => c.Apply(target.Host, target.Port)).FirstOrDefault(d => d is not null) ?? (target.Host, target.Port);
        var via = host == target.Host && port == target.Port ? string.Empty : $" (connecting to {new ServerTarget(host, port)} for --connect-to)";
        var resolved = settings.Resolves.FirstOrDefault(r => r.Matches(host, port));
        if (settings.Proxy is { } proxy && proxy.Applies(host))
        {
            // The proxy connects onwards; a --resolve entry for the server is honoured by asking for its address.
            var onward = resolved is null ? new ServerTarget(host, port).ToString() : Endpoint(resolved.Addresses[0], port);
            var proxyResolved = settings.Resolves.FirstOrDefault(r => r.Matches(proxy.Host, proxy.Port));
            var socket = await ConnectSocketAsync(proxy.Host, proxy.Port, proxyResolved, $"the proxy {proxy.Display} ({proxy.Source})", settings, timeout, cancel, blocking).ConfigureAwait(false);
            var stream = new NetworkStream(socket, ownsSocket: true);
            try
            {
                await TunnelAsync(stream, proxy, onward, target, settings, timeout, cancel).ConfigureAwait(false);
                return stream;
            }
            catch
            {
                await stream.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }

        var direct = await ConnectSocketAsync(host, port, resolved, $"'{target}'{via}", settings, timeout, cancel, blocking).ConfigureAwait(false);
        return new NetworkStream(direct, ownsSocket: true);
    }

    private static async Task<Socket> ConnectSocketAsync(string host, int port, ResolveEntry? resolved, string what, ConnectionSettings settings, CancellationToken timeout, CancellationToken cancel, bool blocking = false)
    {
        Exception? last = null;
        IReadOnlyList<IPAddress?> addresses = resolved is null ? [null] : [.. resolved.Addresses];
        foreach (var address in addresses)
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                EndPoint endPoint = address is null ? new DnsEndPoint(host, port) : new IPEndPoint(address, port);
                if (blocking)
                {
                    await ConnectBlockingAsync(socket, endPoint, timeout).ConfigureAwait(false);
                }
                else
                {
                    await socket.ConnectAsync(endPoint, timeout).ConfigureAwait(false);
                }

                return socket;
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException && !cancel.IsCancellationRequested)
            {
                socket.Dispose();
                ex = blocking && timeout.IsCancellationRequested ? new OperationCanceledException(timeout) : ex;
                last = ex is OperationCanceledException
                    ? new CliException(ExitCodes.ConnectFailed, $"Could not connect to {what}: no answer within {Duration.Describe(settings.Timeout)} (--timeout).", ex)
                    : new CliException(ExitCodes.ConnectFailed, $"Could not connect to {what}{(address is null ? string.Empty : $" at {address}")}: {ex.Message}", ex);
                if (ex is OperationCanceledException)
                {
                    break;
                }
            }
        }

        throw last!;
    }

    /// <summary>A blocking connect on a pool thread; the timeout closes the socket, which ends the connect.</summary>
    private static async Task ConnectBlockingAsync(Socket socket, EndPoint endPoint, CancellationToken timeout)
    {
        using var closing = timeout.Register(socket.Dispose);
        await Task.Run(() => socket.Connect(endPoint), CancellationToken.None).ConfigureAwait(false);
        timeout.ThrowIfCancellationRequested();
    }

    /// <summary>Asks the proxy to CONNECT to <paramref name="onward"/> and reads its answer, up to the blank line and not a byte beyond.</summary>
    private static async Task TunnelAsync(NetworkStream stream, ProxySettings proxy, string onward, ServerTarget target, ConnectionSettings settings, CancellationToken timeout, CancellationToken cancel)
    {
        var request = new StringBuilder()
            .Append("CONNECT ").Append(onward).Append(" HTTP/1.1\r\n")
            .Append("Host: ").Append(onward).Append("\r\n")
            .Append("User-Agent: pinset\r\n");
        if (proxy.Authorization is { } authorization)
        {
            request.Append("Proxy-Authorization: ").Append(authorization).Append("\r\n");
        }

        request.Append("\r\n");
        var response = new List<byte>();
        try
        {
            // Blocking calls on a pool thread, ended by closing the socket at the timeout: a socket used asynchronously
            // once stays non-blocking, which would slow every later read of the tunnel's copy threads.
            using (timeout.Register(stream.Socket.Dispose))
            {
                await Task.Run(() => Ask(stream, Encoding.ASCII.GetBytes(request.ToString()), response), CancellationToken.None).ConfigureAwait(false);
            }

            if (response.Count == 0 || !EndsWithBlankLine(response))
            {
                throw new CliException(ExitCodes.ConnectFailed, $"The proxy {proxy.Display} ({proxy.Source}) {(response.Count == 0 ? "closed the connection" : "gave no complete answer")} when asked to CONNECT to {onward} for '{target}'.");
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException && cancel.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancel);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            throw new CliException(ExitCodes.ConnectFailed, timeout.IsCancellationRequested
                ? $"The proxy {proxy.Display} ({proxy.Source}) did not answer CONNECT {onward} within {Duration.Describe(settings.Timeout)} (--timeout)."
                : $"The proxy {proxy.Display} ({proxy.Source}) failed while asked to CONNECT to {onward}: {ex.Message}", ex);
        }

        cancel.ThrowIfCancellationRequested();
        var status = Encoding.ASCII.GetString([.. response]).Split("\r\n", 2)[0];
        var parts = status.Split(' ', 3);
        if (parts.Length < 2 || !parts[0].StartsWith("HTTP/1.", StringComparison.Ordinal) || parts[1].Length != 3 || parts[1][0] != '2')
        {
            throw new CliException(ExitCodes.ConnectFailed, $"The proxy {proxy.Display} ({proxy.Source}) refused to CONNECT to {onward} for '{target}': '{Printable.Escape(status)}'."
                + (parts.Length > 1 && parts[1] == "407" ? " It wants credentials: give them in the proxy URL, http://user:password@host:port." : string.Empty));
        }
    }

    /// <summary>Sends the request and reads the answer a byte at a time, up to the blank line (and not a byte of the server's beyond it), the end of stream or the size limit.</summary>
    private static void Ask(NetworkStream stream, byte[] request, List<byte> response)
    {
        stream.Write(request);
        var one = new byte[1];
        while (!EndsWithBlankLine(response) && response.Count < MaxProxyResponse && stream.Read(one) == 1)
        {
            response.Add(one[0]);
        }
    }

    private static bool EndsWithBlankLine(List<byte> bytes) =>
        bytes.Count >= 4 && bytes[^4] == '\r' && bytes[^3] == '\n' && bytes[^2] == '\r' && bytes[^1] == '\n';

    private static string Endpoint(IPAddress address, int port) =>
        address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]:{port}" : $"{address}:{port}";
}
