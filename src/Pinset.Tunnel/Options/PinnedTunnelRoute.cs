using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace Pinset.Tunnel;

/// <summary>
/// One listen/target pair of a tunnel: plain TCP accepted on <see cref="Listen"/>, each connection forwarded over a new
/// TLS connection to <see cref="Host"/>:<see cref="Port"/> that the platform validated and <see cref="PolicyPath"/>'s
/// pins allowed. <c>pinset tunnel</c>'s <c>--listen</c>, <c>--to</c>, <c>--policy</c>, <c>--sni</c>,
/// <c>--ca-file</c> and <c>--timeout</c>.
/// </summary>
public sealed record PinnedTunnelRoute
{
    /// <summary>Names the route in the log (<c> (tunnel 'NAME')</c> after each of its events). Default: none, for a tunnel of one route.</summary>
    public string? Name { get; init; }

    /// <summary>
    /// Where local clients connect: a loopback address (127.0.0.1, ::1) unless
    /// <see cref="PinnedTunnelOptions.DangerousAllowRemoteClients"/>. Port 0 lets the system choose;
    /// <see cref="PinnedTunnel.Endpoints"/> says which it chose.
    /// </summary>
    public required IPEndPoint Listen { get; init; }

    /// <summary>The TLS server's host name or IP address.</summary>
    public required string Host { get; init; }

    /// <summary>The TLS server's port (a tunnel has no default port).</summary>
    public required int Port { get; init; }

    /// <summary>
    /// The JSON policy file (docs/policy.md) that pins the server. It is read again for each new connection, so a change
    /// applies without a restart; a file that no longer loads leaves the last good policy in force.
    /// </summary>
    public required string PolicyPath { get; init; }

    /// <summary>The name the TLS handshake sends and validates, and the policy is looked up by. Default: <see cref="Host"/>.</summary>
    public string? TlsName { get; init; }

    /// <summary>
    /// The roots to trust instead of the system's, for a server under a private CA. The platform still validates the
    /// chain and the name against them; nothing here turns validation off. Default: the system's roots.
    /// </summary>
    public X509Certificate2Collection? CustomTrustRoots { get; init; }

    /// <summary>How long the TCP connection and the TLS handshake to the server may take, together. Default: 10 seconds.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Opens the TCP connection to the server (through a proxy, to other addresses). Default: DNS and TCP to
    /// <see cref="Host"/>:<see cref="Port"/>, connected with a blocking call (see <see cref="PinnedTunnelConnector"/>).
    /// </summary>
    public PinnedTunnelConnector? Connector { get; init; }

    /// <summary>The TLS name: <see cref="TlsName"/>, else <see cref="Host"/>.</summary>
    internal string EffectiveTlsName => TlsName ?? Host;

    /// <summary>The server as messages name it: <c>host:port</c>, <c>[::1]:port</c>.</summary>
    internal string Target => Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port}" : $"{Host}:{Port}";

    /// <summary>How the log names the route after an event: <c> (tunnel 'NAME')</c>, or nothing.</summary>
    internal string Label => Name is null ? string.Empty : $" (tunnel '{Name}')";
}
