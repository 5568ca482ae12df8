using Pinset.Extensions;

namespace Pinset.Tunnel;

/// <summary>
/// How a tunnel runs: its routes, and for all of them the drain bound on stop, the idle limit and reports. The options
/// of <c>pinset tunnel</c> (<c>--config</c>'s routes, <c>--drain-timeout</c>, <c>--idle-timeout</c>, <c>--report</c>,
/// <c>--dangerous-allow-remote-clients</c>). Checked when the tunnel starts: every problem is reported at once.
/// </summary>
public sealed class PinnedTunnelOptions
{
    /// <summary>The listen/target pairs; at least one. Each listens on a port of its own.</summary>
    public IList<PinnedTunnelRoute> Routes { get; } = [];

    /// <summary>When the tunnel stops, how long open sessions may go on before they are cut. Default: 30 seconds.</summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Closes a session after this long with no byte either way (a write waiting for a slow reader is traffic, not
    /// idleness). Default: null, never; TCP keep-alive still drops a peer that vanished.
    /// </summary>
    public TimeSpan? IdleTimeout { get; set; }

    /// <summary>
    /// Sends an RFC 7469 report to the policy's <c>reportUris</c> for each refused or report-only mismatching
    /// connection. A report that cannot be sent is a warning, never a reason to refuse or to forward. Default: false.
    /// </summary>
    public bool SendReports { get; set; }

    /// <summary>How reports are sent: timeouts, retries, and the <c>app-name</c> they carry. Default: Pinset.Extensions' defaults, <c>app-name</c> 'Pinset.Tunnel'.</summary>
    public PinningReportOptions Reporting { get; set; } = new() { AppName = "Pinset.Tunnel" };

    /// <summary>
    /// Allows a listen address other than loopback. Whoever can connect to the tunnel reaches the server through your
    /// pinned connection, from your address, as you; set it only where the port is protected otherwise (a firewall that
    /// admits only the client's host), and know that the plain-TCP leg then crosses the network unencrypted. Default: false.
    /// </summary>
    public bool DangerousAllowRemoteClients { get; set; }

    /// <summary>How the log names the settings it mentions; <c>pinset tunnel</c> names its options.</summary>
    internal TunnelSettingNames SettingNames { get; set; } = TunnelSettingNames.Options;

    /// <summary>Reads a route's policy file as text; <c>pinset tunnel</c> reads it as every input file. Default: as <see cref="PinningPolicy.Load"/> reads it.</summary>
    internal Func<string, CancellationToken, Task<string>>? ReadPolicy { get; set; }

    /// <summary>Routes that cannot run side by side: two on one port, two with one name.</summary>
    internal static IEnumerable<string> Clashes(IEnumerable<PinnedTunnelRoute> routes)
    {
        foreach (var group in routes.Where(r => r.Listen is { Port: not 0 }).GroupBy(r => r.Listen).Where(g => g.Count() > 1))
        {
            yield return $"{string.Join(" and ", group.Select(r => $"'{r.Name}'"))} all listen on {ListenEndpoint.Display(group.Key)}; give each tunnel its own port.";
        }

        foreach (var group in routes.Where(r => r.Name is not null).GroupBy(r => r.Name!, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            yield return $"{group.Count()} tunnels are named '{group.Key}'; give each its own name, as the logs name them.";
        }
    }

    /// <summary>Every problem with these options, each a sentence naming the route and quoting the value.</summary>
    internal List<string> Problems()
    {
        var problems = new List<string>();
        if (Routes.Count == 0)
        {
            problems.Add("The tunnel has no routes; add one with its Listen, Host, Port and PolicyPath.");
        }

        for (int i = 0; i < Routes.Count; i++)
        {
            var route = Routes[i];
            var where = route.Name is null ? $"Routes[{i}]" : $"Routes[{i}] ('{route.Name}')";
            if (route.Listen is null)
            {
                problems.Add($"{where}: Listen is not set; give the loopback address and port local clients connect to, such as 127.0.0.1:9443.");
            }
            else if (!ListenEndpoint.IsLoopback(route.Listen.Address) && !DangerousAllowRemoteClients)
            {
                problems.Add(ListenEndpoint.NotLoopback($"{where}: Listen", ListenEndpoint.Display(route.Listen), $"set {nameof(DangerousAllowRemoteClients)}"));
            }

            if (string.IsNullOrWhiteSpace(route.Host) || route.Port is < 1 or > 65535)
            {
                problems.Add($"{where}: the server '{route.Host}:{route.Port}' is not a host and a port from 1 to 65535; set Host and Port.");
            }

            if (string.IsNullOrWhiteSpace(route.PolicyPath))
            {
                problems.Add($"{where}: PolicyPath is empty; give the JSON policy file that pins '{route.EffectiveTlsName}', as the tunnel never forwards unpinned.");
            }

            if (route.ConnectTimeout <= TimeSpan.Zero)
            {
                problems.Add($"{where}: ConnectTimeout is '{route.ConnectTimeout}'; give a time above zero, such as 10 seconds.");
            }
        }

        problems.AddRange(Clashes(Routes));
        foreach (var (name, value) in new[] { (nameof(DrainTimeout), (TimeSpan?)DrainTimeout), (nameof(IdleTimeout), IdleTimeout) })
        {
            if (value <= TimeSpan.Zero)
            {
                problems.Add($"{name} is '{value}'; give a time above zero.");
            }
        }

        return problems;
    }
}
