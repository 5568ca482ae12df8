using System.Net;

namespace Pinset.Extensions;

/// <summary>
/// Keeps a pinned factory client's requests on HTTP/2 and HTTP/1.1. HTTP/3 runs over QUIC, which Pinset does not pin
/// yet (its certificate callback refuses a QUIC connection, failing closed); so a request that would allow HTTP/3 is
/// narrowed to what Pinset pins, and a request that demands HTTP/3 fails at once with a sentence that says why. Added
/// as the innermost handler of every pinned client.
/// </summary>
internal sealed class PinnedHttpVersionHandler(string clientName) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Narrow(request);
        return base.SendAsync(request, cancellationToken);
    }

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Narrow(request);
        return base.Send(request, cancellationToken);
    }

    private void Narrow(HttpRequestMessage request)
    {
        var version = request.Version;
        switch (request.VersionPolicy)
        {
            case HttpVersionPolicy.RequestVersionExact when version.Major >= 3:
            case HttpVersionPolicy.RequestVersionOrHigher when version.Major >= 3:
                throw new HttpRequestException(
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
