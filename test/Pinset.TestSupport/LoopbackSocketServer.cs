using System.Net.Sockets;

namespace Pinset.TestSupport;

/// <summary>
/// A TCP server on 127.0.0.1 and a port the OS picks (Pinset.Testing's listener), serving each accepted socket (NoDelay
/// set) with its own task and its index (0 first), for servers of the tests and benchmarks that speak their own protocol
/// over TLS. Disposing stops accepting, cancels the token every connection was given, and waits for all of them to end.
/// </summary>
public sealed class LoopbackSocketServer : IAsyncDisposable
{
    private readonly LoopbackListener _listener;
    private int _accepted = -1;

    /// <summary>Starts listening; <paramref name="serve"/> owns each socket and must not throw.</summary>
    public LoopbackSocketServer(Func<Socket, int, CancellationToken, Task> serve) =>
        _listener = new LoopbackListener((client, stop) => serve(client.Client, Interlocked.Increment(ref _accepted), stop));

    public int Port => _listener.Port;

    public ValueTask DisposeAsync() => _listener.DisposeAsync();
}
