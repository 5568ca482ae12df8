using System.Net.Sockets;

namespace Pinset.Tunnel.Tests;

/// <summary>The engine's side of a FIX session over a plain TCP socket to the tunnel: messages numbered from 1, each read answer bounded in time.</summary>
internal sealed class FixInitiator(Socket socket) : IAsyncDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);
    private readonly NetworkStream _stream = new(socket, ownsSocket: false);
    private int _sequence;

    public async Task SendAsync(FixMessage message) => await _stream.WriteAsync(message.Encode("CLIENT", "BROKER", ++_sequence));

    /// <summary>The next message from the broker; null when the tunnel closed the connection (the end of stream, or a reset of a refused session).</summary>
    public async Task<FixMessage?> ReadAsync()
    {
        try
        {
            return await FixMessage.ReadAsync(_stream).WaitAsync(Limit);
        }
        catch (IOException ex) when (ex.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionReset })
        {
            return null;
        }
    }

    /// <summary>Sends <paramref name="message"/> and reads the answer, which must come.</summary>
    public async Task<FixMessage> AskAsync(FixMessage message)
    {
        await SendAsync(message);
        return await ReadAsync() ?? throw new InvalidOperationException($"The session ended instead of answering a '{message.Type}' message.");
    }

    public ValueTask DisposeAsync() => _stream.DisposeAsync();
}
