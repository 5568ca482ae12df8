using System.Net;
using System.Net.Sockets;

namespace Pinset.Tunnel;

/// <summary>What the tunnel says of the address it listens on, and of a client's: <c>127.0.0.1:7000</c>, <c>[::1]:7000</c>; and why only loopback.</summary>
internal static class ListenEndpoint
{
    /// <summary>The endpoint as logs and messages show it: 127.0.0.1:7000 or [::1]:7000.</summary>
    public static string Display(EndPoint? endPoint) => endPoint switch
    {
        IPEndPoint { AddressFamily: AddressFamily.InterNetworkV6 } ip when !ip.Address.IsIPv4MappedToIPv6 => $"[{ip.Address}]:{ip.Port}",
        IPEndPoint ip => $"{(ip.Address.IsIPv4MappedToIPv6 ? ip.Address.MapToIPv4() : ip.Address)}:{ip.Port}",
        null => "an unknown address",
        _ => endPoint.ToString() ?? "an unknown address",
    };

    /// <summary>True for 127.0.0.0/8, ::1 and their IPv4-mapped spellings.</summary>
    public static bool IsLoopback(IPAddress address) => IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);

    /// <summary>
    /// The sentence that refuses <paramref name="value"/>, set as <paramref name="what"/>, for not being loopback, naming
    /// <paramref name="allowRemote"/> as the way to allow it.
    /// </summary>
    public static string NotLoopback(string what, string value, string allowRemote) =>
        $"{what} '{value}' is not a loopback address. Whoever can connect to a tunnel reaches the server through your pinned connection, as you: "
        + $"listen on 127.0.0.1 or [::1] and run the client on this machine; if other machines must connect and the port is protected otherwise (a firewall, a private network), {allowRemote}.";
}
