using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Pinset.Cli;

/// <summary>
/// One listen/target pair of <c>pinset tunnel</c>: plain TCP accepted on <see cref="Listen"/>, forwarded over a new TLS
/// connection to <see cref="Target"/> that the platform validated and <see cref="PolicyPath"/>'s pins allowed.
/// </summary>
internal sealed record TunnelRoute(string? Name, IPEndPoint Listen, ServerTarget Target, string PolicyPath, ConnectionSettings Settings)
{
    /// <summary>The name the TLS handshake sends and validates, and the policy is looked up by: --sni, else the target's host.</summary>
    public string TlsName => Settings.Sni ?? Target.Host;

    /// <summary>How logs name the route: its name in a config file, else nothing (one route on the command line).</summary>
    public string Label => Name is null ? string.Empty : $" (tunnel '{Name}')";
}

/// <summary>The address a tunnel listens on: <c>127.0.0.1:PORT</c>, <c>[::1]:PORT</c> or <c>localhost:PORT</c>; port 0 lets the system choose.</summary>
internal static class ListenAddress
{
    /// <summary>The switch that allows a listen address other than loopback.</summary>
    public const string AllowRemoteOption = "--dangerous-allow-remote-clients";

    /// <summary>The endpoint <paramref name="text"/> names, or null with <paramref name="error"/> saying why (<paramref name="what"/> names the setting).</summary>
    public static IPEndPoint? TryParse(string text, string what, bool allowRemote, out string error)
    {
        error = string.Empty;
        int colon = text.LastIndexOf(':');
        string host = colon > 0 ? text[..colon] : string.Empty;
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port > 65535
            || (host.Contains(':', StringComparison.Ordinal) && !(host.StartsWith('[') && host.EndsWith(']'))))
        {
            error = $"{what} '{text}' is not ADDRESS:PORT, such as '127.0.0.1:7000' or '[::1]:7000' (port 0 lets the system choose one).";
            return null;
        }

        IPAddress? address = host.Equals("localhost", StringComparison.OrdinalIgnoreCase) ? IPAddress.Loopback : null;
        if (address is null && !IPAddress.TryParse(host.Trim('[', ']'), out address))
        {
            error = $"{what} '{text}' does not name an IP address; give one, such as '127.0.0.1:{port}' (a tunnel listens on an address of this machine, not on a name).";
            return null;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (!IPAddress.IsLoopback(address) && !allowRemote)
        {
            error = $"{what} '{text}' is not a loopback address. Whoever can connect to a tunnel reaches the server through your pinned connection, as you: "
                + $"listen on 127.0.0.1 or [::1] and run the client on this machine; if other machines must connect and the port is protected otherwise (a firewall, a private network), add {AllowRemoteOption}.";
            return null;
        }

        return new IPEndPoint(address, port);
    }

    /// <summary>The endpoint as logs and messages show it: 127.0.0.1:7000 or [::1]:7000.</summary>
    public static string Display(EndPoint? endPoint) => endPoint switch
    {
        IPEndPoint { AddressFamily: AddressFamily.InterNetworkV6 } ip when !ip.Address.IsIPv4MappedToIPv6 => $"[{ip.Address}]:{ip.Port}",
        IPEndPoint ip => $"{(ip.Address.IsIPv4MappedToIPv6 ? ip.Address.MapToIPv4() : ip.Address)}:{ip.Port}",
        null => "an unknown address",
        _ => endPoint.ToString() ?? "an unknown address",
    };
}
