using System.Net.WebSockets;
using ExchangeClient.Grpc;
using Grpc.Net.Client;
using Microsoft.Extensions.Configuration;
using Pinset.Extensions;

namespace ExchangeClient;

/// <summary>The bot's exchange access, as a bot would write it: a typed HttpClient, a WebSocket stream, a gRPC channel.</summary>
internal sealed class ExchangeApi(HttpClient http, CertificatePinning pinning, IConfiguration configuration, ExchangeRoute route)
{
    private readonly string _host = configuration["exchange:host"] ?? throw new InvalidOperationException("appsettings.json has no 'exchange:host'.");

    public Task<string> GetTickerAsync(CancellationToken cancel) =>
        http.GetStringAsync(new Uri($"https://{_host}:{route.Port}/api/v3/ticker"), cancel);

    public async Task<string> ReadTradeAsync(CancellationToken cancel)
    {
        using var socket = new ClientWebSocket();
        using var invoker = new HttpMessageInvoker(route.Apply(pinning.CreateHttpHandler()));
        await socket.ConnectAsync(new Uri($"wss://{_host}:{route.Port}/ws/trades"), invoker, cancel);
        var buffer = new byte[256];
        var received = await socket.ReceiveAsync(buffer, cancel);
        return System.Text.Encoding.UTF8.GetString(buffer, 0, received.Count);
    }

    public async Task<string> PlaceOrderAsync(CancellationToken cancel)
    {
        using var channel = GrpcChannel.ForAddress($"https://{_host}:{route.Port}", new GrpcChannelOptions { HttpHandler = route.Apply(pinning.CreateHttpHandler()) });
        var reply = await new OrderEntry.OrderEntryClient(channel).PlaceOrderAsync(new OrderRequest { Symbol = "BTCUSDT", Side = "buy", Quantity = "0.01" }, cancellationToken: cancel);
        return $"{reply.OrderId} {reply.Status}";
    }
}
