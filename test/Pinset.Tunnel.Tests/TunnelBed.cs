using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Pinset.Tunnel.Tests;

/// <summary>
/// What a tunnel test starts from, as an app would have it: a generated PKI (a genuine chain and an interceptor), policy
/// files in a directory of its own, a route to a server on loopback trusting both roots, and an app host running the
/// tunnel with <c>AddPinnedTunnel</c> whose events a test awaits.
/// </summary>
internal sealed class TunnelBed : IDisposable
{
    private readonly TempDirectory _dir = new();

    public TestPki Pki { get; } = new();

    /// <summary>A policy file pinning the genuine issuing CA (and a backup) for the PKI's host names, with <paramref name="extra"/> properties.</summary>
    public string GenuinePolicy(string extra = "") =>
        Policy($$"""{"hosts": ["{{TestPki.DefaultHost}}", "localhost"], "pins": ["{{Pki.Intermediate.Pin}}", "{{TestPki.BackupPin}}"]{{extra}}}""");

    /// <summary>A policy file whose pins are on no chain the tests serve: every connection fails it.</summary>
    public string MismatchPolicy() =>
        Policy($$"""{"hosts": ["{{TestPki.DefaultHost}}", "localhost"], "pins": ["{{TestPki.BackupPin}}", "sha256/{{Convert.ToBase64String(SHA256.HashData("a key on no server"u8))}}"]}""");

    public string Policy(string body)
    {
        var path = _dir.File(Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, $$$"""{"pinning": {"policies": [{{{body}}}]}}""");
        return path;
    }

    /// <summary>
    /// A route from 127.0.0.1 (a port the system chooses) to <paramref name="port"/> on loopback by the name 'localhost',
    /// resolved by DNS as the default connector does, trusting both roots as a machine with an interceptor's CA installed would.
    /// </summary>
    public PinnedTunnelRoute Route(int port, string policy) => new()
    {
        Listen = new IPEndPoint(IPAddress.Loopback, 0),
        Host = "localhost",
        Port = port,
        PolicyPath = policy,
        CustomTrustRoots = Pki.TrustBoth(),
    };

    /// <summary>An app host running the tunnel as <paramref name="configure"/> says, logging to <paramref name="events"/>, on <paramref name="time"/> if given.</summary>
    public static IHost Host(TunnelEvents events, Action<PinnedTunnelOptions> configure, TimeProvider? time = null)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(events);
        if (time is not null)
        {
            builder.Services.AddSingleton(time);
        }

        builder.Services.AddPinnedTunnel(configure);
        return builder.Build();
    }

    /// <summary>A clock the test moves, starting now on a whole second (a policy's expiry is written to the second, so "in 2 hours" is exact).</summary>
    public static FakeTimeProvider Clock()
    {
        var now = DateTimeOffset.UtcNow;
        return new FakeTimeProvider(new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero));
    }

    public static async Task<Socket> ConnectAsync(int port)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        return socket;
    }

    public void Dispose()
    {
        Pki.Dispose();
        _dir.Dispose();
    }
}
