using System.Net.Security;
using System.Net.WebSockets;
using Grpc.Net.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Pinset.TestSupport.Grpc;

namespace Pinset.Extensions.Tests.DocExamples;

/// <summary>
/// The examples of docs/integration.md, compiled and run by <see cref="DocExampleTests"/>; the doc test checks that
/// each region below appears in the doc word for word. Each takes what a real app would have: a policy, a URL, roots.
/// </summary>
internal static class IntegrationExamples
{
    public static async Task<string> PlainHttpClient(string policyFile, Uri url, CertificatePinnerOptions options, Action<SocketsHttpHandler> route)
    {
        // <example:httpclient>
        var pinner = new CertificatePinner(PinningPolicy.Load(policyFile), options);
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) }.UseCertificatePinning(pinner);
        route(handler); // (test only: connect the name to loopback)
        using var http = new HttpClient(handler);
        return await http.GetStringAsync(url);
        // </example>
    }

    public static async Task<HealthStatus> Coverage(HostApplicationBuilder builder)
    {
        // <example:coverage>
        builder.Services.AddCertificatePinning(builder.Configuration.GetSection("pinning"), o => o.DetectUnpinnedHandshakes = true);
        builder.Services.AddHealthChecks().AddCertificatePinning(); // "pinset": unpinned handshakes, expired or stale policies
        using var host = builder.Build();
        await host.StartAsync();
        var health = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        return health.Entries["pinset"].Status;
        // </example>
    }

    public static async Task<string> Factory(IConfiguration configuration, Uri url, Action<PinningOptions> trust, Func<SocketsHttpHandler> primary)
    {
        // <example:factory>
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddCertificatePinning(configuration.GetSection("pinning"), trust);
        services.AddHttpClient("exchange")
            .ConfigurePrimaryHttpMessageHandler(primary) // optional: your own handler is pinned too
            .UseCertificatePinning();
        await using var provider = services.BuildServiceProvider();
        var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient("exchange");
        return await http.GetStringAsync(url);
        // </example>
    }

    public static async Task<string> WebSocket(CertificatePinning pinning, Uri url, Action<SocketsHttpHandler> route)
    {
        // <example:websocket>
        using var socket = new ClientWebSocket();
        var handler = pinning.CreateHttpHandler(); // or: new SocketsHttpHandler().UseCertificatePinning(pinner)
        route(handler); // (test only: connect the name to loopback)
        using var invoker = new HttpMessageInvoker(handler);
        await socket.ConnectAsync(url, invoker, CancellationToken.None);
        var buffer = new byte[4096];
        var received = await socket.ReceiveAsync(buffer, CancellationToken.None);
        return System.Text.Encoding.UTF8.GetString(buffer, 0, received.Count);
        // </example>
    }

    public static async Task<string> Grpc(CertificatePinning pinning, Uri address, Action<SocketsHttpHandler> route)
    {
        // <example:grpc>
        var handler = pinning.CreateHttpHandler();
        route(handler); // (test only: connect the name to loopback)
        using var channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions { HttpHandler = handler });
        var reply = await new Ticker.TickerClient(channel).GetPriceAsync(new PriceRequest { Symbol = "BTC-USD" });
        return reply.Price;
        // </example>
    }

    public static async Task<bool> FixSession(CertificatePinner pinner, string host, Stream tcp)
    {
        // <example:sslstream>
        await using var tls = new SslStream(tcp);
        var options = new SslClientAuthenticationOptions { TargetHost = host }.UseCertificatePinning(pinner);
        await tls.AuthenticateAsClientAsync(options); // throws PinValidationException before any FIX message is sent
        await tls.WriteAsync("8=FIX.4.4\u00019=5\u000135=A\u0001"u8.ToArray());
        return tls.IsAuthenticated;
        // </example>
    }

    public static Action<SocketsHttpHandler> Loopback(int port) => handler => Pinset.Testing.Loopback.Route(handler, port);
}
