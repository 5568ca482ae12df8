using System.Net.WebSockets;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Pinset.TestSupport.Grpc;

namespace Pinset.TestSupport;

/// <summary>
/// The exchange Pinset's own tests talk to: a <see cref="LoopbackHttpsServer"/> (HTTP/1.1, HTTP/2, WebSocket echo at
/// <c>/echo</c>) that also serves a REST ticker at <c>/ticker</c>, a WebSocket trade feed at <c>/trades</c> and the gRPC
/// Ticker service of <c>Protos/ticker.proto</c>.
/// </summary>
public static class KestrelExchange
{
    public const string Ticker = "BTC-USD 97000.00";

    public static Task<LoopbackHttpsServer> StartAsync(X509Certificate2 leaf, X509Certificate2[] chain) =>
        LoopbackHttpsServer.StartAsync(leaf, chain, new LoopbackHttpsServerOptions
        {
            ConfigureServices = services => services.AddGrpc(),
            MapEndpoints = endpoints =>
            {
                endpoints.MapGet("/ticker", () => Ticker);
                endpoints.Map("/trades", async (HttpContext context) =>
                {
                    using var socket = await context.WebSockets.AcceptWebSocketAsync();
                    await socket.SendAsync("trade BTC-USD 0.5"u8.ToArray(), WebSocketMessageType.Text, true, context.RequestAborted);
                    await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", context.RequestAborted);
                });
                endpoints.MapGrpcService<TickerService>();
            },
        });

    private sealed class TickerService : Grpc.Ticker.TickerBase
    {
        public override Task<PriceReply> GetPrice(PriceRequest request, ServerCallContext context) =>
            Task.FromResult(new PriceReply { Symbol = request.Symbol, Price = "97000.00" });
    }
}
