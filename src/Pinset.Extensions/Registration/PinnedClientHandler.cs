using System.Net;
using System.Runtime.ExceptionServices;

namespace Pinset.Extensions;

/// <summary>
/// The innermost handler of every pinned IHttpClientFactory client. It throws a pin refusal as the
/// <see cref="PinValidationException"/> itself, not wrapped in the <see cref="HttpRequestException"/> HttpClient makes
/// of it: a refusal is a verdict, not a network glitch, and resilience handlers (<c>AddStandardResilienceHandler</c>,
/// Polly's transient-error policies) and hand-written retry loops retry <see cref="HttpRequestException"/>, so a
/// wrapped refusal would meet the interceptor again and again, and count towards opening a circuit that the genuine
/// server then pays for. And it keeps requests on HTTP/2 and HTTP/1.1: HTTP/3 runs over QUIC, which Pinset does not
/// pin yet, so a request that would allow HTTP/3 is narrowed, and one that demands it fails at once. And it refuses a
/// cleartext request (<c>http://</c>) to a host the policy covers, or to any host with <c>requirePinnedHosts</c>, before a
/// byte is sent, whatever the primary handler: a pinned <see cref="SocketsHttpHandler"/> refuses it in its connection
/// filter too, but an <see cref="HttpClientHandler"/> has no such hook.
/// </summary>
internal sealed class PinnedClientHandler(string clientName, CertificatePinner pinner) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        RefuseCleartext(request);
        Narrow(request);
        try
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex) when (Refusal(ex) is { } refusal)
        {
            ExceptionDispatchInfo.Throw(refusal);
            throw;
        }
    }

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        RefuseCleartext(request);
        Narrow(request);
        try
        {
            return base.Send(request, cancellationToken);
        }
        catch (HttpRequestException ex) when (Refusal(ex) is { } refusal)
        {
            ExceptionDispatchInfo.Throw(refusal);
            throw;
        }
    }

    /// <summary>The pin refusal inside a failed request: from the handshake, or from a pooled connection judged again.</summary>
    private static PinValidationException? Refusal(Exception exception)
    {
        for (var inner = exception.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is PinValidationException refusal)
            {
                return refusal;
            }
        }

        return null;
    }

    private void RefuseCleartext(HttpRequestMessage request)
    {
        if (request.RequestUri is { IsAbsoluteUri: true } uri && uri.Scheme is "http" or "ws" && pinner.Policy.RefusesCleartext(uri, out var reason))
        {
            throw new HttpRequestException(reason, new IOException(reason));
        }
    }

    private void Narrow(HttpRequestMessage request)
    {
        var version = request.Version;
        switch (request.VersionPolicy)
        {
            case HttpVersionPolicy.RequestVersionExact when version.Major >= 3:
            case HttpVersionPolicy.RequestVersionOrHigher when version.Major >= 3:
                throw new NotSupportedException(
                    $"HttpClient '{clientName}' is pinned, and this request demands HTTP/{version.Major} ({request.VersionPolicy}). HTTP/3 runs over QUIC, which Pinset does not pin yet, so the request is refused rather than sent unpinned; allow HTTP/2 or HTTP/1.1 (HttpVersionPolicy.RequestVersionOrLower).");
            case HttpVersionPolicy.RequestVersionOrLower when version.Major >= 3:
                request.Version = HttpVersion.Version20;
                return;
            case HttpVersionPolicy.RequestVersionOrHigher when version.Major == 2:
                request.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
                return;
            case HttpVersionPolicy.RequestVersionOrHigher:
                request.Version = HttpVersion.Version20;
                request.VersionPolicy = HttpVersionPolicy.RequestVersionOrLower;
                return;
        }
    }
}
