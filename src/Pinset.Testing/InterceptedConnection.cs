namespace Pinset.Testing;

/// <summary>
/// One client connection an <see cref="InterceptingProxy"/> accepted, and what came of it: the host the client asked
/// for, whether it completed the TLS handshake with the proxy's certificate, and how many bytes of application data
/// (its request) it sent through the proxy afterwards.
/// </summary>
public sealed class InterceptedConnection
{
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private string? _host;
    private string? _error;
    private long _applicationBytes;
    private int _handshakeCompleted;
    private int _forwarded;

    internal InterceptedConnection(InterceptionMode mode) => Mode = mode;

    /// <summary>How the client reached the proxy.</summary>
    public InterceptionMode Mode { get; }

    /// <summary>The host the client asked for: its CONNECT target, else the TLS server name (SNI); null if it named none.</summary>
    public string? Host => Volatile.Read(ref _host);

    /// <summary>True once the client completed the TLS handshake with the proxy's certificate.</summary>
    public bool ClientHandshakeCompleted => Volatile.Read(ref _handshakeCompleted) == 1;

    /// <summary>True once the proxy had a TLS connection to the genuine server for this client, which it opens at the client's first bytes.</summary>
    public bool Forwarded => Volatile.Read(ref _forwarded) == 1;

    /// <summary>Bytes of application data the client sent after the handshake: its request, headers and body.</summary>
    public long ApplicationBytes => Interlocked.Read(ref _applicationBytes);

    /// <summary>Why the connection ended before any application data, if it did: the client's refusal, as the proxy saw it.</summary>
    public string? Error => Volatile.Read(ref _error);

    /// <summary>Completes when the connection has ended on both sides.</summary>
    public Task Closed => _closed.Task;

    /// <summary>One line: mode, host, handshake, bytes.</summary>
    public override string ToString() =>
        $"{Mode} connection for '{Host ?? "(no server name)"}': handshake {(ClientHandshakeCompleted ? "completed" : "not completed")}, {Counted.Of(ApplicationBytes, "byte")} of application data{(Forwarded ? ", forwarded to the genuine server" : string.Empty)}{(Error is null ? string.Empty : $" ({Error})")}.";

    internal void SetHost(string? host)
    {
        if (!string.IsNullOrEmpty(host))
        {
            Interlocked.CompareExchange(ref _host, host, null);
        }
    }

    internal void HandshakeCompleted() => Volatile.Write(ref _handshakeCompleted, 1);

    internal void ForwardingStarted() => Volatile.Write(ref _forwarded, 1);

    internal void Received(int bytes) => Interlocked.Add(ref _applicationBytes, bytes);

    internal void Failed(string error) => Interlocked.CompareExchange(ref _error, error, null);

    internal void Close() => _closed.TrySetResult();
}
