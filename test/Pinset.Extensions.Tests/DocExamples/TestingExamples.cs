using System.Net;
using System.Net.WebSockets;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Pinset.TestSupport.Grpc;

namespace Pinset.Extensions.Tests.DocExamples;

/// <summary>docs/testing.md's catalogue of other clients, compiled; its names are the page's: the app, the interceptor, a pinner, a pinned handler and invoker.</summary>
internal static class TestingExamples
{
    public static async Task<SocketsHttpHandler> OtherClients(IHost app, InterceptingProxy interceptor, CertificatePinner pinner, HttpMessageInvoker invoker, SocketsHttpHandler pinnedHandler)
    {
        // <example:testing-other-clients>
        // An IHttpClientFactory client by name (a typed client's name is its type's name).
        var http = app.Services.GetRequiredService<IHttpClientFactory>().CreateClient("exchange");
        await PinningAssert.InterceptionRefusedAsync(http, new Uri("api/v3/ticker", UriKind.Relative), interceptor, "exchange");

        // The interceptor as the client's HTTP proxy (CONNECT), instead of a route.
        var handler = new SocketsHttpHandler { Proxy = new WebProxy(interceptor.ProxyUri) }.UseCertificatePinning(pinner);

        // A ClientWebSocket factory, such as Pinset.Extensions' CertificatePinning.ConnectWebSocketAsync.
        await PinningAssert.InterceptionRefusedAsync(
            async (uri, token) => { var ws = new ClientWebSocket(); await ws.ConnectAsync(uri, invoker, token); return ws; },
            new Uri("wss://stream.exchange.example/echo"), interceptor, "trades");

        // gRPC: a call on a channel for the address (the refusal is found in RpcException.Status.DebugException).
        await PinningAssert.InterceptionRefusedAsync(
            (address, token) => new Ticker.TickerClient(GrpcChannel.ForAddress(address, new() { HttpHandler = pinnedHandler }))
                .GetPriceAsync(new PriceRequest { Symbol = "BTC-USD" }, cancellationToken: token).ResponseAsync,
            new Uri("https://grpc.exchange.example"), interceptor, "ticker");
        // </example>
        return handler;
    }
}
