namespace Pinset.Tunnel;

/// <summary>
/// Opens the TCP connection a session's TLS runs over, to <paramref name="route"/>'s server or through a proxy to it.
/// The TLS handshake, the platform's validation and the pin check run over the returned stream, end to end with the
/// server, whatever the connector did on the way.
/// </summary>
/// <remarks>
/// Return a <see cref="System.Net.Sockets.NetworkStream"/> over a socket connected with blocking calls and never used
/// asynchronously: each direction of a session is copied on a thread of its own with blocking reads, which the kernel
/// then wakes directly, keeping the tunnel's added latency near stunnel's. A socket used asynchronously once stays
/// non-blocking, and .NET emulates blocking reads on it through its event loop: a thread hop per read. Any other stream
/// works, without the TCP keep-alive and the upstream half-close a socket gets. Throw with a sentence saying what
/// failed (it is logged as the session's <c>connect-failed</c> event); <paramref name="cancellationToken"/> is cancelled
/// when <see cref="PinnedTunnelRoute.ConnectTimeout"/> has passed or the tunnel stops, and an
/// <see cref="OperationCanceledException"/> is then worded by the tunnel.
/// </remarks>
/// <param name="route">The route a client connected to.</param>
/// <param name="cancellationToken">Cancelled at the connect timeout or when the tunnel stops.</param>
/// <returns>The connected stream; the session owns and disposes it.</returns>
public delegate Task<Stream> PinnedTunnelConnector(PinnedTunnelRoute route, CancellationToken cancellationToken);
