using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Pinset.Cli;

/// <summary>The demo's TLS server on 127.0.0.1: answers one HTTP request per connection and counts the requests it got.</summary>
internal sealed class DemoServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly SslStreamCertificateContext _context;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly string _answer;
    private int _requests;

    public DemoServer(X509Certificate2 leaf, X509Certificate2Collection chain, string answer)
    {
        _context = SslStreamCertificateContext.Create(leaf, chain, offline: true);
        _answer = answer;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _loop = ServeAsync();
    }

    public int Port { get; }

    public int Requests => Volatile.Read(ref _requests);

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                using var client = await _listener.AcceptTcpClientAsync(_stop.Token).ConfigureAwait(false);
                await using var tls = new SslStream(client.GetStream());
                await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificateContext = _context }, _stop.Token).ConfigureAwait(false);
                var buffer = new byte[4096];
                if (await tls.ReadAsync(buffer, _stop.Token).ConfigureAwait(false) > 0)
                {
                    Interlocked.Increment(ref _requests);
                    var body = System.Text.Encoding.UTF8.GetBytes(_answer);
                    await tls.WriteAsync(System.Text.Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n"), _stop.Token).ConfigureAwait(false);
                    await tls.WriteAsync(body, _stop.Token).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (ex is IOException or AuthenticationException or OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // A refused client, or the demo ending.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }
}
