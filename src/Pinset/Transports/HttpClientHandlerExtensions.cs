namespace Pinset;

/// <summary>Pins <see cref="HttpClient"/> built on <see cref="HttpClientHandler"/>.</summary>
public static class HttpClientHandlerExtensions
{
    /// <summary>
    /// Installs pinning as the handler's <see cref="HttpClientHandler.ServerCertificateCustomValidationCallback"/>. This
    /// handler cannot take a chain policy, so with custom trust roots the chain is built a second time to them inside the
    /// callback; and it has no connection filter, so when a reloading pinner's policy changes, its pooled connections are
    /// not judged again (they live until the handler is disposed), and a cleartext <c>http://</c> request to a pinned host is
    /// not refused (a certificate callback never runs for it; <c>Pinset.Extensions</c>' factory clients refuse it). Prefer
    /// <see cref="SocketsHttpHandler"/> where you can.
    /// Calling it again with the same pinner does nothing.
    /// </summary>
    /// <exception cref="InvalidOperationException">
    /// The handler already has another certificate callback or another pinner, or it has already sent a request (its
    /// settings are frozen, so pinning it now would do nothing).
    /// </exception>
    public static HttpClientHandler UseCertificatePinning(this HttpClientHandler handler, CertificatePinner pinner)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(pinner);
        if (AdapterGuard.AlreadyPinned(handler.ServerCertificateCustomValidationCallback, pinner, "HttpClientHandler.ServerCertificateCustomValidationCallback"))
        {
            return handler;
        }

        try
        {
            handler.ServerCertificateCustomValidationCallback = new PinningCallback(pinner).OnServerCertificate;
            if (pinner.Options.CheckCertificateRevocation)
            {
                handler.CheckCertificateRevocationList = true;
            }
        }
        catch (InvalidOperationException ex)
        {
            throw new InvalidOperationException(
                "This HttpClientHandler has already sent a request, so its TLS settings are frozen and pinning it now would do nothing: its connections would stay unpinned. Pin a handler before its first request.",
                ex);
        }

        return handler;
    }
}
