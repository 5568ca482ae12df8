using System.Net;
using System.Net.Sockets;

namespace Pinset.Testing;

/// <summary>
/// A TCP listener on 127.0.0.1 and a port the OS picks, serving each connection on its own task. Disposing stops
/// accepting, cancels the token every connection was given, and waits for all of them to end.
/// </summary>
internal sealed class LoopbackListener : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _serving = [];
    private readonly Func<TcpClient, CancellationToken, Task> _serve;
    private readonly Task _acceptLoop;

    /// <summary>Starts listening; <paramref name="serve"/> owns each accepted client and must not throw.</summary>
    public LoopbackListener(Func<TcpClient, CancellationToken, Task> serve)
    {
        _serve = serve;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _acceptLoop = AcceptAsync();
    }

    public int Port { get; }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        await _acceptLoop.ConfigureAwait(false);
        Task[] serving;
        lock (_serving)
        {
            serving = [.. _serving];
        }

        await Task.WhenAll(serving).ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }

            client.NoDelay = true;
            lock (_serving)
            {
                _serving.Add(_serve(client, _stop.Token));
            }
        }
    }
}
