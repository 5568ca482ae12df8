using System.Net.Sockets;
using System.Net.WebSockets;
using Microsoft.Extensions.DependencyInjection;

namespace Pinset.Extensions.Tests;

/// <summary>
/// "Cleartext to a pinned host is refused", on every route an app of the generic host takes: a factory client on the
/// default handler, on an <see cref="HttpClientHandler"/> (which has no connection filter), with <c>requirePinnedHosts</c>,
/// and a WebSocket through <see cref="CertificatePinning.ConnectWebSocketAsync"/>. The server is a plain TCP listener on
/// 127.0.0.1 that counts every byte it receives: a refusal must leave it at none.
/// </summary>
public sealed class CleartextRouteTests : IDisposable
{
    private readonly TestPki _pki = new();

    public void Dispose() => _pki.Dispose();

    public static TheoryData<string> Routes => new() { "factory, default handler", "factory, HttpClientHandler", "factory, HttpClientHandler, requirePinnedHosts", "ConnectWebSocketAsync" };

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task CleartextToAPinnedHost_RefusedBeforeAByteReachesTheServer(string route)
    {
        long received = 0;
        await using var plain = new LoopbackSocketServer(async (socket, _, stop) =>
        {
            using (socket)
            {
                var buffer = new byte[4096];
                try
                {
                    while (await socket.ReceiveAsync(buffer, stop) is var read and > 0)
                    {
                        Interlocked.Add(ref received, read);
                    }
                }
                catch (Exception ex) when (ex is SocketException or OperationCanceledException)
                {
                    // The client went away, or the server stops.
                }
            }
        });

        bool requireAll = route.EndsWith("requirePinnedHosts", StringComparison.Ordinal);
        var section = PinnedHost.Section(requireAll ? ["api.exchange.test"] : ["127.0.0.1"], [_pki.Intermediate.Pin, TestPki.BackupPin]);
        if (requireAll)
        {
            section["pinning:requirePinnedHosts"] = "true";
        }

        await using var host = await PinnedHost.StartAsync(section, _pki, services =>
        {
            var client = services.AddHttpClient("exchange");
            if (route.Contains("HttpClientHandler", StringComparison.Ordinal))
            {
                client.ConfigurePrimaryHttpMessageHandler(() => new HttpClientHandler());
            }

            client.UseCertificatePinning();
        });

        Exception error;
        if (route == "ConnectWebSocketAsync")
        {
            var pinning = host.Services.GetRequiredService<CertificatePinning>();
            error = await Assert.ThrowsAnyAsync<Exception>(() => pinning.ConnectWebSocketAsync(new Uri($"ws://127.0.0.1:{plain.Port}/trades"), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30)));
            Assert.IsType<WebSocketException>(error);
        }
        else
        {
            var client = host.Services.GetRequiredService<IHttpClientFactory>().CreateClient("exchange");
            error = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetStringAsync(new Uri($"http://127.0.0.1:{plain.Port}/ticker?apiKey=secret")).WaitAsync(TimeSpan.FromSeconds(30)));
        }

        Assert.Contains(requireAll ? "'requirePinnedHosts' is true" : "would travel in cleartext, but the pinning policy covers '127.0.0.1'", error.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, Interlocked.Read(ref received));
    }
}
