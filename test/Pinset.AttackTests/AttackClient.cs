namespace Pinset.AttackTests;

/// <summary>The TLS clients of ours every attack is driven through, each pinned with its own adapter.</summary>
public enum AttackClient
{
    /// <summary>HttpClient over a pinned SocketsHttpHandler, routed to the loopback port whatever the host (chain policy path).</summary>
    HttpClient,

    /// <summary>HttpClient over a pinned HttpClientHandler; dials the host by name (the pinner rebuilds the chain itself).</summary>
    HttpClientHandler,

    /// <summary>ClientWebSocket pinned through its options; dials the host by name (the pinner rebuilds the chain itself).</summary>
    ClientWebSocket,

    /// <summary>ClientWebSocket through an HttpMessageInvoker over a pinned SocketsHttpHandler, routed to the loopback port.</summary>
    ClientWebSocketInvoker,

    /// <summary>SslStream pinned through SslClientAuthenticationOptions, over a TCP connection to the loopback port.</summary>
    SslStream,
}
