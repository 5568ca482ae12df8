using System.Net;
using System.Net.WebSockets;
using ExchangeClient.Grpc;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using System.Security.Cryptography.X509Certificates;

namespace ExchangeClient;

/// <summary>
/// A local stand-in for an exchange on 127.0.0.1 (a port the OS picks): a REST ticker, a WebSocket trade stream and a
/// gRPC order-entry service over TLS. The interceptor is the same server with another certificate; both count every
/// request that reaches them.
/// </summary>
internal sealed class FakeExchange : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _requests;

    private FakeExchange(WebApplication app) => _app = app;

    public int Port { get; private set; }

    public int Requests => Volatile.Read(ref _requests);

    public static async Task<FakeExchange> StartAsync(string certificate, string key, string? chain, string name)
    {
        var leaf = X509Certificate2.CreateFromPemFile(certificate, key);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddGrpc();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            listen.Protocols = HttpProtocols.Http1AndHttp2;
            listen.UseHttps(https =>
            {
                https.ServerCertificate = leaf;
                https.ServerCertificateChain = chain is null ? null : X509CertificateLoader.LoadCertificateFromFile(chain) is var c ? [c] : null;
            });
        }));
        var app = builder.Build();
        var exchange = new FakeExchange(app);
        app.Use(async (context, next) =>
        {
            Interlocked.Increment(ref exchange._requests);
            await next(context);
        });
        app.UseWebSockets();
        app.MapGet("/api/v3/ticker", () => new { symbol = "BTCUSDT", price = "97000.00", source = name });
        app.Map("/ws/trades", async (HttpContext context) =>
        {
            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            await socket.SendAsync(System.Text.Encoding.UTF8.GetBytes($"trade BTCUSDT 0.5 @ 97000.00 from {name}"), WebSocketMessageType.Text, true, context.RequestAborted);
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", context.RequestAborted);
        });
        app.MapGrpcService<OrderEntryService>();
        await app.StartAsync();
        exchange.Port = new Uri(app.Urls.First()).Port;
        return exchange;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed class OrderEntryService : OrderEntry.OrderEntryBase
    {
        public override Task<OrderReply> PlaceOrder(OrderRequest request, ServerCallContext context) =>
            Task.FromResult(new OrderReply { OrderId = "ord-1", Status = $"accepted {request.Side} {request.Quantity} {request.Symbol}" });
    }
}
