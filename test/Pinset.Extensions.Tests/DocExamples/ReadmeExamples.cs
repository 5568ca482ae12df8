// <example:readme-use>
using System.Net.Security;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography.X509Certificates;
using Pinset;
// </example>
// <example:readme-host>
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Pinset.Extensions;
// </example>
using Pinset.Extensions.Tests.DocExamples;

// Outside the Pinset namespace on purpose: the README's usings must be all the example needs.
namespace ReadmeDocExamples;

/// <summary>
/// The README's examples, compiled as they stand (every name they use is defined in them): the doc test checks that
/// each region appears in the README word for word. They name real exchanges, so they are compiled, not run; the
/// same calls run against real servers in <see cref="IntegrationExamples"/>.
/// </summary>
internal static class ReadmeExamples
{
    public static async Task UseIt()
    {
        // <example:readme-use>

        // The policy: the JSON file (or appsettings.json section) described in docs/policy.md.
        var policy = PinningPolicy.Load("pinning.json");

        // Custom roots (a private or test CA) come from an explicit trust option, never from turning validation off.
        // Without one, new CertificatePinner(policy) trusts the system's roots.
        var roots = new X509Certificate2Collection();
        roots.ImportFromPemFile("exchange-root-ca.pem");
        var pinner = new CertificatePinner(policy, new CertificatePinnerOptions { CustomTrustRoots = roots });

        // HttpClient (and gRPC: GrpcChannel.ForAddress(url, new() { HttpHandler = handler }))
        var handler = new SocketsHttpHandler().UseCertificatePinning(pinner);
        using var http = new HttpClient(handler);
        var ticker = await http.GetStringAsync("https://api.exchange.com/ticker");

        // ClientWebSocket, through the same pinned handler
        using var ws = new ClientWebSocket();
        await ws.ConnectAsync(new Uri("wss://stream.exchange.com/ws"), new HttpMessageInvoker(handler), CancellationToken.None);

        // Raw TLS (FIX): SslStream over your TCP connection
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("fix.exchange.com", 9443);
        await using var tls = new SslStream(tcp.GetStream());
        var options = new SslClientAuthenticationOptions { TargetHost = "fix.exchange.com" }.UseCertificatePinning(pinner);
        await tls.AuthenticateAsClientAsync(options); // throws PinValidationException before a byte of FIX is sent
        // </example>
        _ = ticker;
    }

    public static async Task GenericHost()
    {
        // <example:readme-host>

        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddCertificatePinning(builder.Configuration.GetSection("pinning"), o => o.DetectUnpinnedHandshakes = true);
        // ExchangeApi is your typed client: a class whose constructor takes the pinned HttpClient.
        builder.Services.AddHttpClient<ExchangeApi>().UseCertificatePinning(); // or every client: ConfigureHttpClientDefaults(b => b.UseCertificatePinning())
        builder.Services.AddHealthChecks().AddCertificatePinning();            // unhealthy if any client reached a pinned host unpinned
        using var host = builder.Build();
        await host.RunAsync(); // a bad policy stops the start with every error
        // </example>
    }
}

