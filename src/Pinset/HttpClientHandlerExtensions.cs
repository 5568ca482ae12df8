namespace Pinset;

/// <summary>Pins <see cref="HttpClient"/> built on <see cref="HttpClientHandler"/>.</summary>
public static class HttpClientHandlerExtensions
{
    /// <summary>
    /// Installs pinning as the handler's <see cref="HttpClientHandler.ServerCertificateCustomValidationCallback"/>. This
    /// handler cannot take a chain policy, so with custom trust roots the chain is built a second time to them inside the
    /// callback; prefer <see cref="SocketsHttpHandler"/> where you can. Calling it again with the same pinner does nothing.
    /// </summary>
    /// <exception cref="InvalidOperationException">The handler already has another certificate callback or another pinner.</exception>
    public static HttpClientHandler UseCertificatePinning(this HttpClientHandler handler, CertificatePinner pinner)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(pinner);
        if (AdapterGuard.AlreadyPinned(handler.ServerCertificateCustomValidationCallback, pinner, "HttpClientHandler.ServerCertificateCustomValidationCallback"))
        {
            return handler;
        }

        if (pinner.Options.CheckCertificateRevocation)
        {
            handler.CheckCertificateRevocationList = true;
        }

        handler.ServerCertificateCustomValidationCallback = new PinningCallback(pinner).OnServerCertificate;
        return handler;
    }
}
