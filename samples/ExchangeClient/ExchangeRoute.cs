using System.Net;
using System.Net.Sockets;

namespace ExchangeClient;

/// <summary>
/// Where the exchange's name leads: the genuine server, or, as after a DNS hijack or on a network with an intercepting
/// proxy, the interceptor. Every connection goes to 127.0.0.1 on the current port.
/// </summary>
internal sealed class ExchangeRoute
{
    private int _port;

    public int Port
    {
        get => Volatile.Read(ref _port);
        set => Volatile.Write(ref _port, value);
    }

    public SocketsHttpHandler Apply(SocketsHttpHandler handler)
    {
        handler.ConnectCallback = async (_, token) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(IPAddress.Loopback, Port, token);
            return new NetworkStream(socket, ownsSocket: true);
        };
        return handler;
    }
}
