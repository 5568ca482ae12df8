using System.Net.WebSockets;
using ExchangeClient.Grpc;
using Grpc.Net.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Pinset.Extensions;
using Websocket.Client;

namespace ExchangeClient;

/// <summary>The bot's exchange access, as a bot would write it: a typed HttpClient, a WebSocket stream, a gRPC channel.</summary>
internal sealed class ExchangeApi(HttpClient http, CertificatePinning pinning, IConfiguration configuration, ExchangeRoute route)
{
    private readonly string _host = configuration["exchange:host"] ?? throw new InvalidOperationException("appsettings.json has no 'exchange:host'.");

    public Task<string> GetTickerAsync(CancellationToken cancel) =>
        http.GetStringAsync(new Uri($"https://{_host}:{route.Port}/api/v3/ticker"), cancel);

    /// <summary>
    /// The market-data stream through Websocket.Client, as bots use it: a trade, a reconnect (a new socket from the
    /// factory, so the new connection is pinned again), another trade. In an app without the sample's loopback route, the factory is simply
    /// <c>new WebsocketClient(url, logger, pinning.ConnectWebSocketAsync)</c>.
    /// </summary>
    public async Task<string> ReadTradeAsync(CancellationToken cancel)
    {
        using var invoker = new HttpMessageInvoker(route.Apply(pinning.CreateHttpHandler()));
        async Task<WebSocket> ConnectPinnedAsync(Uri uri, CancellationToken token)
        {
            var socket = new ClientWebSocket();
            try
            {
                await socket.ConnectAsync(uri, invoker, token);
                return socket;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        using var stream = new WebsocketClient(new Uri($"wss://{_host}:{route.Port}/ws/trades"), NullLogger<WebsocketClient>.Instance, ConnectPinnedAsync)
        {
            ErrorReconnectTimeout = null, // a refused connection is not retried: pinning failures do not heal by retrying
        };
        var trades = new List<string>();
        TaskCompletionSource[] trade = [new(TaskCreationOptions.RunContinuationsAsynchronously), new(TaskCreationOptions.RunContinuationsAsynchronously)];
        using var received = stream.MessageReceived.Subscribe(message =>
        {
            lock (trades)
            {
                trades.Add(message.Text ?? string.Empty);
                trade[Math.Min(trades.Count, 2) - 1].TrySetResult();
            }
        });
        await stream.StartOrFail();
        await trade[0].Task.WaitAsync(TimeSpan.FromSeconds(30), cancel);
        await stream.ReconnectOrFail(); // as after a dropped connection: a new socket from the factory, pinned again
        await trade[1].Task.WaitAsync(TimeSpan.FromSeconds(30), cancel);
        lock (trades)
        {
            return $"{trades[1]} (again after a reconnect, each connection pinned)";
        }
    }

    public async Task<string> PlaceOrderAsync(CancellationToken cancel)
    {
        using var channel = GrpcChannel.ForAddress($"https://{_host}:{route.Port}", new GrpcChannelOptions { HttpHandler = route.Apply(pinning.CreateHttpHandler()) });
        var reply = await new OrderEntry.OrderEntryClient(channel).PlaceOrderAsync(new OrderRequest { Symbol = "BTCUSDT", Side = "buy", Quantity = "0.01" }, cancellationToken: cancel);
        return $"{reply.OrderId} {reply.Status}";
    }
}
