using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Pinset.TestSupport;

/// <summary>What a <see cref="TlsEchoServer"/> does with each connection.</summary>
public enum EchoMode
{
    /// <summary>Sends back every byte as it arrives; at the client's end of stream, closes (close_notify, then TCP).</summary>
    Echo,

    /// <summary>Echoes one byte per read and write: the slowest peer that still makes progress.</summary>
    SlowEcho,

    /// <summary>Sends a greeting line and half-closes at once (close_notify and a TCP shutdown of its write side), then reads everything the client sends.</summary>
    GreetAndHalfClose,
}

/// <summary>
/// A TLS server on 127.0.0.1 (SslStream) presenting a given chain, for the tunnel's tests (the tool's and the library's)
/// that need what openssl s_server cannot do: many connections at once, a peer that half-closes first, a slow peer. It
/// records what each connection sent.
/// </summary>
public sealed class TlsEchoServer : IAsyncDisposable
{
    private readonly SslStreamCertificateContext _context;
    private readonly EchoMode _mode;
    private readonly List<TaskCompletionSource<byte[]>> _received = [];
    private readonly LoopbackSocketServer _server;
    private int _handshakes;

    public TlsEchoServer(X509Certificate2 leaf, IEnumerable<X509Certificate2> chain, EchoMode mode = EchoMode.Echo)
    {
        _context = SslStreamCertificateContext.Create(leaf, [.. chain.Where(c => c != leaf)], offline: true);
        _mode = mode;
        _server = new LoopbackSocketServer(ServeAsync);
    }

    public int Port => _server.Port;

    /// <summary>TLS handshakes completed.</summary>
    public int Handshakes => Volatile.Read(ref _handshakes);

    /// <summary>Everything connection <paramref name="index"/> (0 first) sent, once the client ended its stream.</summary>
    public Task<byte[]> ReceivedAsync(int index)
    {
        return Slot(index).Task.WaitAsync(TimeSpan.FromSeconds(60));
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private async Task ServeAsync(Socket client, int index, CancellationToken stop)
    {
        using var received = new MemoryStream();
        try
        {
            await using var tls = new SslStream(new NetworkStream(client, ownsSocket: true));
            await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificateContext = _context }, stop);
            Interlocked.Increment(ref _handshakes);
            if (_mode == EchoMode.GreetAndHalfClose)
            {
                await tls.WriteAsync("HELLO\n"u8.ToArray(), stop);
                await tls.ShutdownAsync();
                client.Shutdown(SocketShutdown.Send);
            }

            var buffer = new byte[_mode == EchoMode.SlowEcho ? 1 : 16384];
            while (await tls.ReadAsync(buffer, stop) is var read and > 0)
            {
                received.Write(buffer, 0, read);
                if (_mode != EchoMode.GreetAndHalfClose)
                {
                    await tls.WriteAsync(buffer.AsMemory(0, read), stop);
                }
            }

            if (_mode != EchoMode.GreetAndHalfClose)
            {
                await tls.ShutdownAsync();
            }
        }
        catch (Exception ex) when (ex is IOException or AuthenticationException or OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // A refused handshake or a client gone: what many tests are about; what arrived is still recorded.
        }

        Slot(index).TrySetResult(received.ToArray());
    }

    private TaskCompletionSource<byte[]> Slot(int index)
    {
        lock (_received)
        {
            while (_received.Count <= index)
            {
                _received.Add(new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously));
            }

            return _received[index];
        }
    }
}
