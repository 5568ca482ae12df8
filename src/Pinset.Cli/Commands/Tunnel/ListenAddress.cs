using System.Globalization;
using System.Net;
using Pinset.Tunnel;

namespace Pinset.Cli;

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
            error = ListenEndpoint.NotLoopback(what, text, $"add {AllowRemoteOption}");
            return null;
        }

        return new IPEndPoint(address, port);
    }
}
