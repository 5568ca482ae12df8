using System.Net;
using System.Net.Sockets;

namespace Pinset.Cli.Tests;

/// <summary>Accepts one connection and never sends a byte: a command connecting to it waits at its handshake.</summary>
internal sealed class SilentServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Task<Socket> _accepted;

    public SilentServer()
    {
        _listener.Start();
        _accepted = _listener.AcceptSocketAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public Task Accepted => _accepted;

    public void Dispose()
    {
        if (_accepted.IsCompletedSuccessfully)
        {
            _accepted.Result.Dispose();
        }

        _listener.Stop();
    }
}
