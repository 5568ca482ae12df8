using System.CommandLine;
using System.Net;
using Pinset.Tunnel;

namespace Pinset.Cli;

/// <summary>
/// <c>pinset tunnel</c>: pins what Pinset cannot reach in-process. A local plain TCP port (a FIX engine's, any TCP
/// client's) is forwarded over a new TLS connection per client, validated by the platform and pinned; a connection that
/// fails the pins is closed before a byte of the client's data goes upstream. Runs until Ctrl-C or SIGTERM, then
/// drains and exits 0. The engine is Pinset.Tunnel's <see cref="PinnedTunnel"/>; this command reads its options, connects
/// upstream as every command does (<see cref="ServerConnector"/>: --resolve, --connect-to, --proxy) and writes its log.
/// </summary>
internal static class TunnelCommand
{
    public static Command Create(CliConsole output)
    {
        var listen = new Option<string?>("--listen") { HelpName = "ADDRESS:PORT", Description = "Where local clients connect, on loopback: 127.0.0.1:PORT or [::1]:PORT (port 0 lets the system choose)." };
        var to = new Option<string?>("--to") { HelpName = "HOST:PORT", Description = "The TLS server each connection is forwarded to." };
        var policy = new Option<string?>("--policy") { HelpName = "FILE", Description = "The policy file pinning the server; read again for each new connection, so a change applies without a restart." };
        var config = new Option<string?>("--config") { HelpName = "FILE", Description = "A JSON file of several tunnels, each with its own listen, to, policy, caFile, sni and resolve, instead of --listen, --to and --policy." };
        var report = new Option<bool>("--report") { Description = "Send an RFC 7469 report for each refused or report-only mismatching connection to the policy's report URIs." };
        var drain = new Option<string>("--drain-timeout") { HelpName = "DURATION", Description = "On Ctrl-C or SIGTERM, how long open sessions may go on before they are cut.", DefaultValueFactory = _ => "30s" };
        var idle = new Option<string?>("--idle-timeout") { HelpName = "DURATION", Description = "Close a session after this long with no byte either way; default: never (TCP keep-alive still drops dead peers)." };
        var allowRemote = new Option<bool>(ListenAddress.AllowRemoteOption) { Description = "Allow a listen address other than loopback. Anyone who can connect then uses your pinned connection as you; protect the port otherwise." };
        var connection = new ConnectionOptions();
        var command = new Command("tunnel", "Forward local TCP connections over pinned TLS, for clients that cannot pin (FIX engines, any TCP client).") { listen, to, policy, config, report, drain, idle, allowRemote };
        connection.AddTo(command);
        command.SetAction(async (parse, cancel) =>
        {
            var options = new PinnedTunnelOptions
            {
                DrainTimeout = Duration.Parse(parse.GetValue(drain)!, "--drain-timeout"),
                IdleTimeout = parse.GetValue(idle) is { } idleText ? Duration.Parse(idleText, "--idle-timeout", TimeSpan.FromDays(30)) : null,
                SendReports = parse.GetValue(report),
                Reporting = CheckReporter.Options(CheckReporter.TunnelAppName),
                DangerousAllowRemoteClients = parse.GetValue(allowRemote),
                SettingNames = new("--drain-timeout", "--idle-timeout", "--timeout"),
                ReadPolicy = (path, cancel) => output.Files.ReadTextAsync(path, "a JSON policy file", cancel),
            };
            var settings = await connection.ReadAsync(parse, output, cancel).ConfigureAwait(false);
            bool remote = options.DangerousAllowRemoteClients;
            List<PinnedTunnelRoute> routes;
            if (parse.GetValue(config) is { } file)
            {
                var perTunnel = new Option[] { listen, to, policy, connection.CaFile, connection.Resolve, connection.ConnectTo, connection.Sni }.Where(o => parse.GetResult(o) is { Implicit: false }).Select(o => o.Name).ToList();
                if (perTunnel.Count > 0)
                {
                    throw new CliException(ExitCodes.BadInput, $"--config gives each tunnel its own settings; give {string.Join(", ", perTunnel)} in '{file}' instead.");
                }

                routes = await TunnelConfigFile.ReadAsync(file, settings, remote, output, cancel).ConfigureAwait(false);
            }
            else
            {
                routes = [Route(parse.GetValue(listen), parse.GetValue(to), parse.GetValue(policy), settings, remote)];
            }

            if (routes.Any(r => r.PolicyPath == InputFile.StandardInput))
            {
                throw new CliException(ExitCodes.BadInput, "The tunnel's policy cannot be standard input ('-'): it is read again for each new connection, so that a changed file applies without a restart. Give a file.");
            }

            routes.ForEach(options.Routes.Add);
            return await RunAsync(options, output, cancel).ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>Runs the tunnel until Ctrl-C or SIGTERM, then drains it: a stop asked for is a clean stop (exit 0).</summary>
    private static async Task<int> RunAsync(PinnedTunnelOptions options, CliConsole output, CancellationToken cancel)
    {
        PinnedTunnel tunnel;
        try
        {
            tunnel = await PinnedTunnel.StartAsync(options, new TunnelLogWriter(output), output.Time, cancel).ConfigureAwait(false);
        }
        catch (PinnedTunnelException ex)
        {
            throw new CliException(ExitCodes.BadInput, ex.Message, ex);
        }

        await using (tunnel.ConfigureAwait(false))
        {
            try
            {
                await Task.Delay(Timeout.Infinite, cancel).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Ctrl-C or SIGTERM: drained below.
            }

            await tunnel.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }

        return ExitCodes.Success;
    }

    /// <summary>
    /// A route of the engine connecting upstream as every command connects (<see cref="ServerConnector"/>, with blocking
    /// sockets for the copy threads), trusting --ca-file's roots and sending --sni's name.
    /// </summary>
    internal static PinnedTunnelRoute Route(string? name, IPEndPoint listen, ServerTarget target, string policy, ConnectionSettings settings) => new()
    {
        Name = name,
        Listen = listen,
        Host = target.Host,
        Port = target.Port,
        PolicyPath = policy,
        TlsName = settings.Sni,
        CustomTrustRoots = settings.Roots,
        ConnectTimeout = settings.Timeout,
        Connector = (_, timeout) => ServerConnector.ConnectAsync(target, settings, timeout, CancellationToken.None, blocking: true),
    };

    private static PinnedTunnelRoute Route(string? listen, string? to, string? policy, ConnectionSettings settings, bool allowRemote)
    {
        var missing = new[] { ("--listen", listen), ("--to", to), ("--policy", policy) }.Where(o => o.Item2 is null).Select(o => o.Item1).ToList();
        if (missing.Count > 0)
        {
            throw new CliException(ExitCodes.BadInput, $"Give --listen ADDRESS:PORT, --to HOST:PORT and --policy FILE (missing: {string.Join(", ", missing)}), or --config FILE.");
        }

        var endpoint = ListenAddress.TryParse(listen!, "--listen", allowRemote, out var listenError);
        var target = TryTarget(to!, "--to", out var targetError);
        return endpoint is null || target is null
            ? throw new CliException(ExitCodes.BadInput, string.Join(' ', new[] { listenError, targetError }.Where(e => e.Length > 0)))
            : Route(null, endpoint, target, policy!, settings);
    }

    /// <summary>A tunnel's server: HOST:PORT with the port given (a tunnel has no default port).</summary>
    internal static ServerTarget? TryTarget(string text, string what, out string error)
    {
        int colon = text.LastIndexOf(':');
        if (text.Contains("://", StringComparison.Ordinal) || colon < 0 || text.EndsWith(']'))
        {
            error = $"{what} '{text}' is not HOST:PORT, such as 'fix.broker.example:9443'; a tunnel forwards TCP, so give the server's port.";
            return null;
        }

        if (!ServerTarget.TryParse(text, out var target, out var reason))
        {
            error = $"{what}: {reason}";
            return null;
        }

        error = string.Empty;
        return target;
    }
}
