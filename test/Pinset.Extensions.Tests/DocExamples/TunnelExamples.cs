// <example:tunnel-host>
using System.Net;
using Microsoft.Extensions.Hosting;
using Pinset.Tunnel;
// </example>

// Outside the Pinset namespace on purpose: the doc's usings must be all the example needs.
namespace TunnelDocExamples;

/// <summary>
/// docs/tunnel.md's hosted tunnel and Pinset.Tunnel's README, compiled as they stand. They name a real broker, so they
/// are compiled, not run; the same calls run against a FIX acceptor over real TLS on loopback in Pinset.Tunnel.Tests
/// (PinnedTunnelServiceCollectionExtensionsTests).
/// </summary>
internal static class TunnelExamples
{
    public static async Task HostedTunnel()
    {
        // <example:tunnel-host>

        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddPinnedTunnel(tunnel => tunnel.Routes.Add(new PinnedTunnelRoute
        {
            Listen = new IPEndPoint(IPAddress.Loopback, 9443), // the engine's SocketConnectHost and SocketConnectPort, with SSLEnable=N
            Host = "fix.broker.example",
            Port = 9443,
            PolicyPath = "pins.json",                         // read again for each new connection
        }));
        using var host = builder.Build();
        await host.RunAsync(); // refuses to start if a policy does not load, does not pin the server or has expired
        // </example>
    }

    public static void Package(HostApplicationBuilder builder)
    {
        // <example:package-tunnel>
        builder.Services.AddPinnedTunnel(tunnel => tunnel.Routes.Add(new PinnedTunnelRoute
        {
            Listen = new IPEndPoint(IPAddress.Loopback, 9443),
            Host = "fix.broker.example",
            Port = 9443,
            PolicyPath = "pins.json",
        }));
        // </example>
    }
}
