namespace Pinset;

/// <summary>Pins <see cref="HttpClient"/> through <see cref="SocketsHttpHandler"/>, and what runs on it: gRPC channels, <c>ClientWebSocket</c> through an invoker.</summary>
public static class SocketsHttpHandlerExtensions
{
    /// <summary>
    /// Installs pinning in the handler's <see cref="SocketsHttpHandler.SslOptions"/> (see
    /// <see cref="SslClientAuthenticationOptionsExtensions.UseCertificatePinning"/>). Returns the handler, so
    /// <c>new HttpClient(new SocketsHttpHandler().UseCertificatePinning(pinner))</c> reads as one line.
    /// </summary>
    public static SocketsHttpHandler UseCertificatePinning(this SocketsHttpHandler handler, CertificatePinner pinner)
    {
        ArgumentNullException.ThrowIfNull(handler);
        handler.SslOptions.UseCertificatePinning(pinner);
        return handler;
    }
}
