using System.Net.Security;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;

namespace Pinset.AttackTests;

/// <summary>
/// One connection attempt by a pinned client of ours to https://host:port/path on loopback, which reports how it
/// ended: the exception, if any, and the pin refusal inside it. Whether the request reached the server is the server's
/// to say (see <see cref="NginxServer.FindRequestAsync"/>), never the client's.
/// </summary>
public static class AttackAttempt
{
    public sealed record Ending(Exception? Error)
    {
        /// <summary>The pin refusal anywhere in the exception's chain, or null.</summary>
        public PinValidationException? Refusal => Find(Error);

        public override string ToString() => Error?.ToString() ?? "completed";

        private static PinValidationException? Find(Exception? error) => error switch
        {
            null => null,
            PinValidationException refusal => refusal,
            AggregateException aggregate => aggregate.InnerExceptions.Select(Find).FirstOrDefault(r => r is not null),
            _ => Find(error.InnerException),
        };
    }

    /// <summary>A fresh path for one attempt, so the server's log can be searched for exactly it.</summary>
    public static string NewPath() => "/attempt/" + Guid.NewGuid().ToString("N");

    /// <summary>
    /// Connects and sends one GET. HttpClient and ClientWebSocket see the host as their Uri spells it (lower case,
    /// punycode); SslStream gets <paramref name="host"/> exactly as written, as its target host.
    /// </summary>
    public static async Task<Ending> RunAsync(AttackClient client, CertificatePinner pinner, string host, int port, string path)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var uri = new UriBuilder("https", host, port, path).Uri;
        try
        {
            switch (client)
            {
                case AttackClient.HttpClient:
                    using (var http = new HttpClient(Loopback.Route(new SocketsHttpHandler().UseCertificatePinning(pinner), port)))
                    {
                        (await http.GetAsync(uri, timeout.Token)).EnsureSuccessStatusCode();
                    }

                    break;
                case AttackClient.HttpClientHandler:
                    using (var http = new HttpClient(new HttpClientHandler().UseCertificatePinning(pinner)))
                    {
                        (await http.GetAsync(uri, timeout.Token)).EnsureSuccessStatusCode();
                    }

                    break;
                case AttackClient.ClientWebSocket:
                    using (var socket = new ClientWebSocket())
                    {
                        socket.Options.UseCertificatePinning(pinner);
                        await socket.ConnectAsync(WebSocketUri(uri), timeout.Token);
                    }

                    break;
                case AttackClient.ClientWebSocketInvoker:
                    using (var socket = new ClientWebSocket())
                    using (var invoker = new HttpMessageInvoker(Loopback.Route(new SocketsHttpHandler().UseCertificatePinning(pinner), port)))
                    {
                        await socket.ConnectAsync(WebSocketUri(uri), invoker, timeout.Token);
                    }

                    break;
                case AttackClient.SslStream:
                    await SslStreamAsync(pinner, host, uri, timeout.Token);
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(client), client, "Unknown client.");
            }

            return new Ending(null);
        }
        catch (Exception ex) when (ex is not ArgumentOutOfRangeException)
        {
            return new Ending(ex);
        }
    }

    private static Uri WebSocketUri(Uri https) => new UriBuilder(https) { Scheme = "wss" }.Uri;

    private static async Task SslStreamAsync(CertificatePinner pinner, string host, Uri uri, CancellationToken token)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(System.Net.IPAddress.Loopback, uri.Port, token);
        await using var tls = new SslStream(tcp.GetStream());
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = host }.UseCertificatePinning(pinner), token);
        await tls.WriteAsync(Encoding.ASCII.GetBytes($"GET {uri.PathAndQuery} HTTP/1.1\r\nHost: {uri.IdnHost}\r\nConnection: close\r\n\r\n"), token);
        using var reader = new StreamReader(tls, Encoding.ASCII);
        var status = await reader.ReadLineAsync(token);
        if (status is null || !status.Contains(" 200 ", StringComparison.Ordinal))
        {
            throw new IOException($"The server answered '{status}', not 200.");
        }
    }
}
