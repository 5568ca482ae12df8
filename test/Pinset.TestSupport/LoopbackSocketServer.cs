using System.Net;
using System.Net.Sockets;

namespace Pinset.TestSupport;

/// <summary>
/// A TCP server on 127.0.0.1 and a port the OS picks, serving each accepted socket (NoDelay set) with its own task, for
/// servers of the tests and benchmarks that speak their own protocol over TLS. Disposing stops accepting, cancels the
/// token every connection was given, and waits for all of them to end.
/// </summary>
public sealed class LoopbackSocketServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _connections = [];
    private readonly Func<Socket, int, CancellationToken, Task> _serve;
    private readonly Task _accepting;

    /// <summary>Starts listening; <paramref name="serve"/> owns each socket (with its index, 0 first) and must not throw.</summary>
    public LoopbackSocketServer(Func<Socket, int, CancellationToken, Task> serve)
    {
        _serve = serve;
        _listener.Start(1024);
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        await _accepting.ConfigureAwait(false);
        Task[] open;
        lock (_connections)
        {
            open = [.. _connections];
        }

        await Task.WhenAll(open).ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        for (int index = 0; ; index++)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }

            client.NoDelay = true;
            var served = _serve(client, index, _stop.Token);
            lock (_connections)
            {
                _connections.Add(served);
            }
        }
    }
}
