namespace Pinset;

/// <summary>Pins <see cref="HttpClient"/> through <see cref="SocketsHttpHandler"/>, and what runs on it: gRPC channels, <c>ClientWebSocket</c> through an invoker.</summary>
public static class SocketsHttpHandlerExtensions
{
    /// <summary>
    /// Installs pinning in the handler's <see cref="SocketsHttpHandler.SslOptions"/> (see
    /// <see cref="SslClientAuthenticationOptionsExtensions.UseCertificatePinning"/>) and a connection filter
    /// (<see cref="SocketsHttpHandler.PlaintextStreamFilter"/>, composed with one the app set before) that refuses a
    /// connection the pinning callback never saw and, for a pinner whose policy can change, stops reusing a pooled
    /// connection once the policy in force no longer allows its chain. Returns the handler, so
    /// <c>new HttpClient(new SocketsHttpHandler().UseCertificatePinning(pinner))</c> reads as one line. Calling it again
    /// with the same pinner does nothing.
    /// </summary>
    /// <exception cref="InvalidOperationException">
    /// The handler has already sent a request (its settings are frozen, so pinning it now would do nothing), or its
    /// SslOptions cannot be pinned (see <see cref="SslClientAuthenticationOptionsExtensions.UseCertificatePinning"/>).
    /// </exception>
    public static SocketsHttpHandler UseCertificatePinning(this SocketsHttpHandler handler, CertificatePinner pinner)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(pinner);
        if (handler.PlaintextStreamFilter?.Target is ConnectionFilter filter && ReferenceEquals(filter.Callback.Pinner, pinner)
            && handler.SslOptions.RemoteCertificateValidationCallback?.Target == filter.Callback)
        {
            return handler;
        }

        ThrowIfStarted(handler);
        var callback = SslClientAuthenticationOptionsExtensions.Pin(handler.SslOptions, pinner, "SocketsHttpHandler.SslOptions", trackConnections: true);
        handler.PlaintextStreamFilter = new ConnectionFilter(callback, handler.PlaintextStreamFilter).FilterAsync;
        return handler;
    }

    /// <summary>A started handler copied its settings when it sent its first request; assigning one is how it tells.</summary>
    private static void ThrowIfStarted(SocketsHttpHandler handler)
    {
        try
        {
            handler.SslOptions = handler.SslOptions;
        }
        catch (InvalidOperationException ex)
        {
            throw new InvalidOperationException(
                "This SocketsHttpHandler has already sent a request, so its TLS settings are frozen and pinning it now would do nothing: its connections would stay unpinned. Pin a handler before its first request: new HttpClient(new SocketsHttpHandler().UseCertificatePinning(pinner)).",
                ex);
        }
    }
}
