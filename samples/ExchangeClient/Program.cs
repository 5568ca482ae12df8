using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Pinset;
using Pinset.Extensions;

namespace ExchangeClient;

/// <summary>
/// A pinned exchange client, offline. It starts a local fake exchange and a local interceptor whose CA the client also
/// trusts, then calls the exchange over REST, WebSocket and gRPC, first reaching the genuine server and then, with the
/// name routed to the interceptor, the interceptor. Exits 0 only if every genuine call succeeded and every intercepted
/// call was refused before any request reached the interceptor.
/// </summary>
public static class Program
{
    public static Task<int> Main(string[] args) => RunAsync(args, Console.Out);

    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        string certs = Path.Combine(AppContext.BaseDirectory, "certs");
        await using var exchange = await FakeExchange.StartAsync(Path.Combine(certs, "exchange-leaf.pem"), Path.Combine(certs, "exchange-leaf.key"), Path.Combine(certs, "issuing-ca.pem"), "exchange");
        await using var interceptor = await FakeExchange.StartAsync(Path.Combine(certs, "interceptor-leaf.pem"), Path.Combine(certs, "interceptor-leaf.key"), null, "interceptor");

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
        var route = new ExchangeRoute { Port = exchange.Port };
        builder.Services.AddSingleton(route);
        builder.Services.AddCertificatePinning(builder.Configuration.GetSection("pinning"), options =>
        {
            // The fake exchange's CA stands for a public CA here; the interceptor's CA stands for one the machine
            // trusts but should not (a corporate proxy, malware). Without pinning, both servers would be accepted.
            options.CustomTrustRoots = [X509CertificateLoader.LoadCertificateFromFile(Path.Combine(certs, "exchange-root.pem")), X509CertificateLoader.LoadCertificateFromFile(Path.Combine(certs, "interceptor-root.pem"))];
        });
        builder.Services.AddHttpClient<ExchangeApi>()
            .ConfigurePrimaryHttpMessageHandler(services => services.GetRequiredService<ExchangeRoute>().Apply(new SocketsHttpHandler()))
            .UseCertificatePinning();
        using var host = builder.Build();
        await host.StartAsync();
        var api = host.Services.GetRequiredService<ExchangeApi>();

        var calls = new (string Name, Func<CancellationToken, Task<string>> Call)[]
        {
            ("REST ticker", api.GetTickerAsync),
            ("WebSocket trades (Websocket.Client)", api.ReadTradeAsync),
            ("gRPC PlaceOrder", api.PlaceOrderAsync),
        };

        output.WriteLine($"Genuine exchange on 127.0.0.1:{exchange.Port}:");
        int passed = 0;
        foreach (var (name, call) in calls)
        {
            try
            {
                output.WriteLine($"  passed   {name}: {await call(CancellationToken.None)}");
                passed++;
            }
            catch (Exception ex)
            {
                output.WriteLine($"  FAILED   {name}: {ex.GetBaseException().Message}");
            }
        }

        route.Port = interceptor.Port;
        output.WriteLine($"Interceptor on 127.0.0.1:{interceptor.Port}, with a CA the client trusts:");
        int refused = 0;
        foreach (var (name, call) in calls)
        {
            try
            {
                await call(CancellationToken.None);
                output.WriteLine($"  NOT REFUSED {name}: pinning let the interceptor through.");
            }
            catch (Exception ex) when (FindPinning(ex) is { } pinning)
            {
                output.WriteLine($"  refused  {name}: {pinning.Result.Outcome}, served key {pinning.Result.ValidatedChain[0].Pin} ({pinning.Result.ValidatedChain[0].Subject})");
                refused++;
            }
        }

        await host.StopAsync();
        bool ok = passed == calls.Length && refused == calls.Length && interceptor.Requests == 0;
        output.WriteLine(ok
            ? $"OK: {passed} calls to the exchange passed; {refused} calls to the interceptor were refused and it received {interceptor.Requests} requests."
            : $"FAILED: {passed}/{calls.Length} exchange calls passed, {refused}/{calls.Length} interceptor calls refused, the interceptor received {interceptor.Requests} requests.");
        return ok ? 0 : 1;
    }

    private static PinValidationException? FindPinning(Exception? error)
    {
        for (; error is not null; error = error.InnerException)
        {
            if (error is PinValidationException pinning)
            {
                return pinning;
            }
        }

        return null;
    }
}
