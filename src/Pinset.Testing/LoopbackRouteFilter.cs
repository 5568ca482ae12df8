using Microsoft.Extensions.Http;

namespace Pinset.Testing;

/// <summary>
/// Runs around every IHttpClientFactory handler build: after the app's own configuration (and whatever else wraps it,
/// such as Pinset's pinning), it routes the primary handler's connections through <see cref="LoopbackRoutes"/> by its
/// <see cref="SocketsHttpHandler.ConnectCallback"/>. The handler itself, and so its TLS settings and pinning, stays
/// the one the app configured. A primary handler whose connections cannot be routed gets a guard that refuses
/// requests to a routed host, rather than let them go to the real one.
/// </summary>
internal sealed class LoopbackRouteFilter(LoopbackRoutes routes) : IHttpMessageHandlerBuilderFilter
{
    public Action<HttpMessageHandlerBuilder> Configure(Action<HttpMessageHandlerBuilder> next) => builder =>
    {
        next(builder);
        var innermost = builder.PrimaryHandler;
        while (innermost is DelegatingHandler { InnerHandler: { } inner })
        {
            innermost = inner;
        }

        if (innermost is SocketsHttpHandler sockets)
        {
            sockets.ConnectCallback = routes.Wrap(sockets.ConnectCallback);
        }
        else
        {
            builder.AdditionalHandlers.Insert(0, new UnroutableGuard(routes, builder.Name ?? string.Empty, innermost.GetType()));
        }
    };

    private sealed class UnroutableGuard(LoopbackRoutes routes, string clientName, Type handlerType) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Check(request);
            return base.SendAsync(request, cancellationToken);
        }

        protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Check(request);
            return base.Send(request, cancellationToken);
        }

        private void Check(HttpRequestMessage request)
        {
            if (request.RequestUri is { IsAbsoluteUri: true } uri && routes.TryGetPort(uri.IdnHost, out int port))
            {
                throw new InvalidOperationException(
                    $"HttpClient '{clientName}' sends to '{uri.IdnHost}', which the test routes to 127.0.0.1:{port}, but its primary handler is a '{handlerType.FullName}', whose connections cannot be routed (only a SocketsHttpHandler's ConnectCallback can be). The request is refused rather than sent to the real host; make the client's primary handler a SocketsHttpHandler (IHttpClientFactory's default).");
            }
        }
    }
}
