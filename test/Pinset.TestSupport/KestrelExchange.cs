using System.Net;
using System.Net.WebSockets;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using System.Security.Cryptography.X509Certificates;
using Pinset.TestSupport.Grpc;

namespace Pinset.TestSupport;

/// <summary>A real Kestrel server on loopback over TLS: REST, a WebSocket trade feed and echo, and a gRPC ticker, counting what reaches it.</summary>
public sealed class KestrelExchange : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _requests;
    private int _connections;

    private KestrelExchange(WebApplication app) => _app = app;

    public int Port { get; private set; }

    public int Requests => Volatile.Read(ref _requests);

    /// <summary>TCP connections accepted: with keep-alive, fewer than requests; a new one means a new TLS handshake.</summary>
    public int Connections => Volatile.Read(ref _connections);

    public Uri Url(string scheme = "https") => new($"{scheme}://{TestPki.Host}:{Port}/");

    public static async Task<KestrelExchange> StartAsync(X509Certificate2 leaf, X509Certificate2[] chain)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddGrpc();
        KestrelExchange? server = null;
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            listen.Protocols = HttpProtocols.Http1AndHttp2;
            listen.Use(next => connection =>
            {
                Interlocked.Increment(ref server!._connections);
                return next(connection);
            });
            listen.UseHttps(new HttpsConnectionAdapterOptions
            {
                ServerCertificateChain = [.. chain.Where(c => c != leaf)],
                ServerCertificate = leaf,
            });
        }));
        var app = builder.Build();
        server = new KestrelExchange(app);
        app.Use(async (context, next) =>
        {
            Interlocked.Increment(ref server._requests);
            await next(context);
        });
        app.UseWebSockets();
        app.MapGet("/ticker", () => "BTC-USD 97000.00");
        app.Map("/trades", async (HttpContext context) =>
        {
            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            await socket.SendAsync("trade BTC-USD 0.5"u8.ToArray(), WebSocketMessageType.Text, true, context.RequestAborted);
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", context.RequestAborted);
        });
        app.Map("/echo", async (HttpContext context) =>
        {
            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            var buffer = new byte[4096];
            while (true)
            {
                var received = await socket.ReceiveAsync(buffer, context.RequestAborted);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
                    return;
                }

                await socket.SendAsync(buffer.AsMemory(0, received.Count), received.MessageType, received.EndOfMessage, context.RequestAborted);
            }
        });
        app.MapGrpcService<TickerService>();
        await app.StartAsync();
        server.Port = new Uri(app.Urls.First()).Port;
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed class TickerService : Ticker.TickerBase
    {
        public override Task<PriceReply> GetPrice(PriceRequest request, ServerCallContext context) =>
            Task.FromResult(new PriceReply { Symbol = request.Symbol, Price = "97000.00" });
    }
}
