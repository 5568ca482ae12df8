using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Pinset.Testing;

/// <summary>
/// A raw TLS server (<see cref="SslStream"/>) on 127.0.0.1 and a port the OS picks, for clients that speak TLS without
/// HTTP (SslStream, FIX sessions) and for the simplest HTTP/1.1 checks. It sends the chain it is given, reads the
/// client's first bytes and answers them with one HTTP/1.1 <c>200</c> and <c>hello</c>, then closes. It counts
/// handshakes and the connections that carried application data, so a test can assert that a refused client sent
/// nothing. For HTTP/2, WebSockets and your own endpoints, use <see cref="LoopbackHttpsServer"/>.
/// </summary>
public sealed class LoopbackTlsServer : IAsyncDisposable
{
    private readonly SslStreamCertificateContext _context;
    private readonly SslProtocols _protocols;
    private readonly TimeSpan _latency;
    private readonly LoopbackListener _listener;
    private int _handshakes;
    private int _requests;

    private LoopbackTlsServer(X509Certificate2 leaf, IEnumerable<X509Certificate2> sentChain, SslProtocols protocols, TimeSpan latency)
    {
        _latency = latency;
        _context = SslStreamCertificateContext.Create(leaf, [.. sentChain.Where(c => c != leaf)], offline: true);
        _protocols = protocols;
        _listener = new LoopbackListener(ServeAsync);
    }

    /// <summary>The port on 127.0.0.1.</summary>
    public int Port => _listener.Port;

    /// <summary>TLS handshakes the server completed.</summary>
    public int Handshakes => Volatile.Read(ref _handshakes);

    /// <summary>Connections on which application data arrived after the handshake.</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>
    /// Starts a server that presents <paramref name="leaf"/> (with its private key) and the rest of
    /// <paramref name="sentChain"/>, with the TLS versions of <paramref name="protocols"/> (default: the system's).
    /// </summary>
    public static LoopbackTlsServer Start(X509Certificate2 leaf, IEnumerable<X509Certificate2>? sentChain = null, SslProtocols protocols = SslProtocols.None) =>
        new(leaf, sentChain ?? [leaf], protocols, TimeSpan.Zero);

    /// <summary>
    /// A server that waits <paramref name="latency"/> before each handshake: a far-away server's round trip, for the
    /// benchmarks only (tests never wait on time).
    /// </summary>
    public static LoopbackTlsServer StartWithLatency(X509Certificate2 leaf, IEnumerable<X509Certificate2> sentChain, TimeSpan latency) =>
        new(leaf, sentChain, SslProtocols.None, latency);

    /// <summary>An HttpClient handler that connects every host name to this server, like curl's --resolve.</summary>
    public SocketsHttpHandler Handler() => Loopback.Route(new SocketsHttpHandler(), Port);

    /// <summary>A TCP connection to this server, for SslStream clients.</summary>
    public async Task<NetworkStream> ConnectAsync(CancellationToken token = default)
    {
        var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, Port, token).ConfigureAwait(false);
        return client.GetStream();
    }

    private async Task ServeAsync(TcpClient client, CancellationToken stop)
    {
        using (client)
        await using (var tls = new SslStream(client.GetStream()))
        {
            try
            {
                if (_latency > TimeSpan.Zero)
                {
                    await Task.Delay(_latency, stop).ConfigureAwait(false);
                }

                await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
                {
                    ServerCertificateContext = _context,
                    EnabledSslProtocols = _protocols,
                    ApplicationProtocols = [SslApplicationProtocol.Http11],
                }, stop).ConfigureAwait(false);
                Interlocked.Increment(ref _handshakes);
                var buffer = new byte[4096];
                int read = await tls.ReadAsync(buffer, stop).ConfigureAwait(false);
                if (read <= 0)
                {
                    return;
                }

                Interlocked.Increment(ref _requests);
                var body = "hello"u8.ToArray();
                var head = Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n");
                await tls.WriteAsync(head, stop).ConfigureAwait(false);
                await tls.WriteAsync(body, stop).ConfigureAwait(false);
                await tls.FlushAsync(stop).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or AuthenticationException or OperationCanceledException or ObjectDisposedException)
            {
                // The client refused the handshake or went away; that is what many tests are about.
            }
        }
    }

    /// <summary>Stops accepting and waits for every connection to end.</summary>
    public ValueTask DisposeAsync() => _listener.DisposeAsync();
}
