using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace Pinset.Collector;

/// <summary>
/// Which host names the dashboard and <c>/api/...</c> answer to: localhost, 127.0.0.1 and [::1], and the names in
/// <see cref="DashboardOptions.AllowedHosts"/>, on any port; any other <c>Host</c> is refused (400, a sentence naming it
/// and the setting) before the loopback or key check. A web page under a name of its own that resolves to this machine
/// (DNS rebinding) reaches the collector from the operator's own browser, so from loopback; its requests carry its
/// name, and are refused here. <c>POST /reports</c> and <c>/healthz</c> are not behind this filter: apps post to the
/// name in their report URI, whatever it is, and neither answer reveals anything. The matching is ASP.NET Core's own
/// (<see cref="HostString.MatchesAny"/>, as its host filtering uses): a name, an address, or <c>*.</c> and a domain.
/// </summary>
internal sealed class DashboardHosts(IOptions<CollectorOptions> options) : IEndpointFilter
{
    /// <summary>The names always answered to: loopback's.</summary>
    public static IReadOnlyList<string> LoopbackNames { get; } = ["localhost", "127.0.0.1", "[::1]"];

    private readonly StringSegment[] _patterns =
        [.. LoopbackNames.Concat(options.Value.Dashboard.AllowedHosts.Select(entry => Pattern(entry, out _) ?? throw new InvalidOperationException($"'{entry}' was not validated."))).Select(p => new StringSegment(p))];

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var host = context.HttpContext.Request.Host;
        if (host.HasValue && HostString.MatchesAny(host.Host, _patterns))
        {
            return next(context);
        }

        var message = host.HasValue && host.Host.Length > 0
            ? $"This request is addressed to '{ReportReader.Shorten(host.Host)}', which the dashboard does not answer to: it answers only requests addressed to {Answered}, so that a web page under a name of its own that resolves to this machine cannot read it (DNS rebinding). If '{ReportReader.Shorten(host.Host)}' is a name of this collector, add it to '{CollectorConfigKeys.DashboardAllowedHosts}'."
            : $"This request names no host (it has no Host header); the dashboard answers only requests addressed to {Answered}.";
        return ValueTask.FromResult<object?>(Results.Text(message + "\n", "text/plain; charset=utf-8", Encoding.UTF8, StatusCodes.Status400BadRequest));
    }

    private static string Answered => $"{string.Join(", ", LoopbackNames)} or a name in '{CollectorConfigKeys.DashboardAllowedHosts}'";

    /// <summary>
    /// The host pattern an entry of <see cref="DashboardOptions.AllowedHosts"/> stands for (lower case, IDN as punycode,
    /// IPv6 in brackets as a Host header has it), or null with <paramref name="error"/>, a sentence quoting the entry.
    /// </summary>
    public static string? Pattern(string entry, out string error)
    {
        error = string.Empty;
        var key = CollectorConfigKeys.DashboardAllowedHosts;
        if (entry == "*")
        {
            error = $"'{key}' holds '*', which would let a web page under any name that resolves to this machine read the dashboard (DNS rebinding); list the names the collector is reached by, such as 'pins.example.com' or '*.example.com'.";
            return null;
        }

        if (entry.StartsWith('[') && entry.IndexOf("]:", StringComparison.Ordinal) is > 0 and var close)
        {
            error = HasPort(key, entry, entry[..(close + 1)]);
            return null;
        }

        if (entry.StartsWith('[') && entry.EndsWith(']') && IPAddress.TryParse(entry[1..^1], out var bracketed) && bracketed.AddressFamily == AddressFamily.InterNetworkV6)
        {
            return $"[{bracketed}]";
        }

        if (entry.Contains(':', StringComparison.Ordinal))
        {
            var colon = entry.LastIndexOf(':');
            error = IPAddress.TryParse(entry, out var address) && address.AddressFamily == AddressFamily.InterNetworkV6
                ? $"'{key}' holds '{entry}'; write an IPv6 address in brackets, as browsers send it: '[{address}]'."
                : colon > 0 && entry[(colon + 1)..] is { Length: > 0 } port && port.All(char.IsAsciiDigit) && HostName.TryNormalize(entry[..colon], out _)
                    ? HasPort(key, entry, entry[..colon])
                    : NotAName(key, entry);
            return null;
        }

        var wildcard = entry.StartsWith("*.", StringComparison.Ordinal);
        if (!HostName.TryNormalize(wildcard ? entry[2..] : entry, out var name) || (wildcard && IPAddress.TryParse(name, out _)))
        {
            error = NotAName(key, entry);
            return null;
        }

        return wildcard ? "*." + name : name;
    }

    private static string HasPort(string key, string entry, string name) => $"'{key}' holds '{entry}', which has a port; give the name alone ('{name}'): every port is accepted.";

    private static string NotAName(string key, string entry) => $"'{key}' holds '{entry}', which is not a host name, an IP address or '*.' and a domain; give the name alone, such as 'pins.example.com'.";
}
