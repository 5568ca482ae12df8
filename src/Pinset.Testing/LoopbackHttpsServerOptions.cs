using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Pinset.Testing;

/// <summary>What a <see cref="LoopbackHttpsServer"/> speaks and serves besides its defaults.</summary>
public sealed class LoopbackHttpsServerOptions
{
    /// <summary>The HTTP versions offered through ALPN. Default: HTTP/1.1 and HTTP/2.</summary>
    public HttpProtocols Protocols { get; set; } = HttpProtocols.Http1AndHttp2;

    /// <summary>Services for your endpoints, such as <c>services.AddGrpc()</c>. Default: none.</summary>
    public Action<IServiceCollection>? ConfigureServices { get; set; }

    /// <summary>
    /// Your endpoints, mapped before the defaults: the API your app calls (so a typed client's call completes) or a gRPC
    /// service (<c>endpoints.MapGrpcService&lt;T&gt;()</c>). Default: none; then every request is answered by
    /// <see cref="FallbackText"/>, and <c>/echo</c> is a WebSocket echo.
    /// </summary>
    public Action<IEndpointRouteBuilder>? MapEndpoints { get; set; }

    /// <summary>The <c>text/plain</c> body of the 200 that answers any request no endpoint maps. Default: <c>hello</c>.</summary>
    public string FallbackText { get; set; } = "hello";
}
