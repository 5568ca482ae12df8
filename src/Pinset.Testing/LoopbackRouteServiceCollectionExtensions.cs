using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http;

namespace Pinset.Testing;

/// <summary>Points an app's IHttpClientFactory clients at test servers without changing the app's code.</summary>
public static class LoopbackRouteServiceCollectionExtensions
{
    /// <summary>
    /// An address override, like curl's <c>--resolve</c>: every connection an IHttpClientFactory client (named, typed or
    /// gRPC) opens to <paramref name="host"/>, on any port, goes to 127.0.0.1:<paramref name="port"/> (a
    /// <see cref="LoopbackHttpsServer"/> or an <see cref="InterceptingProxy"/>). The URL, the TLS server name and the
    /// pinning policy keep the real host name, and the client's handlers stay as the app configured them: the route is
    /// the primary handler's <see cref="SocketsHttpHandler.ConnectCallback"/>, composed with one the app set. Call it
    /// after the app's own registrations, in the test; a second route for the same host replaces the first.
    /// </summary>
    public static IServiceCollection AddLoopbackRoute(this IServiceCollection services, string host, int port)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(port);
        var routes = services
            .Where(d => d.ServiceType == typeof(LoopbackRoutes) && d.ImplementationInstance is LoopbackRoutes)
            .Select(d => (LoopbackRoutes)d.ImplementationInstance!)
            .FirstOrDefault();
        if (routes is null)
        {
            routes = new LoopbackRoutes();
            services.AddSingleton(routes);
        }

        routes.Add(host, port);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHttpMessageHandlerBuilderFilter, LoopbackRouteFilter>());
        return services;
    }
}
