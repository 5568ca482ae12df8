using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace Pinset.Cli.Tests;

/// <summary>
/// A TLS server on 127.0.0.1 (SslStream) for one connection whose socket buffers are fixed (SO_RCVBUF and SO_SNDBUF set
/// on the listener, which the accepted socket inherits, so the kernel does not grow them): a test knows how many bytes
/// the server's socket can hold, and drives the server's TLS stream itself, reading or writing only when it chooses.
/// </summary>
internal sealed class FixedBufferTlsServer : IAsyncDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task<(Socket Socket, SslStream Tls)> _accepted;

    public FixedBufferTlsServer(X509Certificate2 leaf, IEnumerable<X509Certificate2> chain, int bufferSize)
    {
        _listener.ReceiveBufferSize = bufferSize;
        _listener.SendBufferSize = bufferSize;
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(1);
        var context = SslStreamCertificateContext.Create(leaf, [.. chain.Where(c => c != leaf)], offline: true);
        _accepted = AcceptAsync(context);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndPoint!).Port;

    /// <summary>The accepted socket's receive buffer as the kernel sized it (twice what was asked, for its bookkeeping).</summary>
    public int ReceiveBufferSize => _accepted.Result.Socket.ReceiveBufferSize;

    /// <summary>The accepted socket's send buffer as the kernel sized it.</summary>
    public int SendBufferSize => _accepted.Result.Socket.SendBufferSize;

    /// <summary>The connection's TLS stream, once the handshake is done; fails if none comes within a minute.</summary>
    public async Task<SslStream> AcceptedAsync() => (await _accepted.WaitAsync(Limit)).Tls;

    /// <summary>Ends the server's sending side: TLS close_notify, then the TCP end of stream.</summary>
    public async Task EndSendingAsync()
    {
        var (socket, tls) = await _accepted.WaitAsync(Limit);
        await tls.ShutdownAsync();
        socket.Shutdown(SocketShutdown.Send);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        try
        {
            var (socket, tls) = await _accepted;
            await tls.DisposeAsync();
            socket.Dispose();
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or IOException or System.Security.Authentication.AuthenticationException)
        {
            // Never connected, or the handshake failed: what the test already reported.
        }

        _stop.Dispose();
    }

    private async Task<(Socket, SslStream)> AcceptAsync(SslStreamCertificateContext context)
    {
        var socket = await _listener.AcceptAsync(_stop.Token);
        socket.NoDelay = true;
        var tls = new SslStream(new NetworkStream(socket, ownsSocket: false));
        try
        {
            await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificateContext = context }, _stop.Token);
            return (socket, tls);
        }
        catch
        {
            await tls.DisposeAsync();
            socket.Dispose();
            throw;
        }
    }
}
