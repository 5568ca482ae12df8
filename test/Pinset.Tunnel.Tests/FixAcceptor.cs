using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Pinset.Tunnel.Tests;

/// <summary>
/// A broker's FIX acceptor over TLS on 127.0.0.1 (SslStream), presenting a given chain: it answers a Logon with a Logon,
/// a TestRequest with the Heartbeat that names it, and a Logout with a Logout, then ends the session (close_notify,
/// then TCP). It records every message it received, so a test can show that a refused session delivered nothing.
/// </summary>
internal sealed class FixAcceptor : IAsyncDisposable
{
    private readonly SslStreamCertificateContext _context;
    private readonly LoopbackSocketServer _server;
    private readonly List<FixMessage> _received = [];
    private int _handshakes;

    public FixAcceptor(X509Certificate2 leaf, IEnumerable<X509Certificate2> chain)
    {
        _context = SslStreamCertificateContext.Create(leaf, [.. chain.Where(c => c != leaf)], offline: true);
        _server = new LoopbackSocketServer(ServeAsync);
    }

    public int Port => _server.Port;

    public int Handshakes => Volatile.Read(ref _handshakes);

    /// <summary>Every message received so far, of every session.</summary>
    public IReadOnlyList<FixMessage> Received
    {
        get
        {
            lock (_received)
            {
                return [.. _received];
            }
        }
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private async Task ServeAsync(Socket client, int index, CancellationToken stop)
    {
        try
        {
            await using var tls = new SslStream(new NetworkStream(client, ownsSocket: true));
            await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificateContext = _context }, stop);
            Interlocked.Increment(ref _handshakes);
            int sequence = 0;
            while (await FixMessage.ReadAsync(tls, stop) is { } message)
            {
                lock (_received)
                {
                    _received.Add(message);
                }

                var answer = message.Type switch
                {
                    "A" => FixMessage.Logon(int.Parse(message[108] ?? "30", System.Globalization.CultureInfo.InvariantCulture)),
                    "1" => FixMessage.Heartbeat(message[112]),
                    "5" => FixMessage.Logout(),
                    _ => null,
                };
                if (answer is not null)
                {
                    await tls.WriteAsync(answer.Encode("BROKER", "CLIENT", ++sequence), stop);
                }

                if (message.Type == "5")
                {
                    await tls.ShutdownAsync();
                    client.Shutdown(SocketShutdown.Send);
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or AuthenticationException or OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // A refused handshake or a client gone: what the refusal tests are about.
        }
    }
}
