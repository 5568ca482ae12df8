using System.CommandLine;
using Pinset.Formats;

namespace Pinset.Cli;

/// <summary>The options of <c>pinset pin --strategy</c> and how the command runs with them (<see cref="PinStrategy"/>).</summary>
internal sealed class PinStrategyRunner
{
    public Option<string?> Strategy { get; } = new("--strategy")
    {
        HelpName = "leaf|issuer|root|cdn",
        Description = "Print a policy for one server instead of its chain: its leaf, issuing CA or root (with the operator's other roots), or the roots of every CA its CDN may issue from; each pin with its origin.",
    };

    public Option<string?> Cdn { get; } = new("--cdn") { HelpName = "NAME", Description = "For --strategy cdn: the CDN in front of the server (cloudflare, cloudfront), when the probe does not recognise it." };

    public Option<string?> CaMap { get; } = CaMapOption.Create();

    public PinStrategyRunner() => Strategy.AcceptOnlyFromAmong([.. PinStrategy.Names]);

    public void AddTo(Command command)
    {
        command.Options.Add(Strategy);
        command.Options.Add(Cdn);
        command.Options.Add(CaMap);
    }

    /// <summary>True when the command line asks for a strategy (<c>--cdn</c> alone means <c>--strategy cdn</c>).</summary>
    public bool Asked(ParseResult parse) => parse.GetValue(Strategy) is not null || parse.GetValue(Cdn) is not null;

    public async Task<int> RunAsync(ParseResult parse, string[] targets, ConnectionSettings settings, string? host, bool json, CliConsole output, CancellationToken cancel)
    {
        var strategy = parse.GetValue(Strategy) ?? PinStrategy.Cdn;
        var named = PinStrategy.Profile(parse.GetValue(Cdn));
        if (named is not null && strategy != PinStrategy.Cdn)
        {
            throw new CliException(ExitCodes.BadInput, $"--cdn names the CDN of --strategy cdn, not of --strategy {strategy}; give one or the other.");
        }

        var servers = targets.Where(t => !InputFile.Names(t)).ToList();
        if (servers.Count != 1)
        {
            throw new CliException(ExitCodes.BadInput, $"--strategy makes the policy of one server, and {servers.Count} are given; give one server, and any backup key's public key or CSR as files.");
        }

        var backups = new List<PinStrategy.Pin>();
        foreach (var file in targets.Where(InputFile.Names))
        {
            var content = await output.Files.ReadAsync(file, "a backup key's public key or CSR", cancel).ConfigureAwait(false);
            backups.AddRange(PinSource.ReadAll(content, InputFile.Display(file)).Select(s => new PinStrategy.Pin(s.Pin, $"your backup key ({InputFile.Display(file)}), not deployed")));
        }

        if (!ServerTarget.TryParse(servers[0], out var server, out var error))
        {
            throw new CliException(ExitCodes.BadInput, error);
        }

        var map = await CaMapOption.ReadAsync(parse, CaMap, output, cancel).ConfigureAwait(false);
        var probe = await TlsProbe.ProbeAsync(server, settings, null, cancel, strategy == PinStrategy.Cdn && named is null ? _ => true : null).ConfigureAwait(false);
        if (!probe.PlatformTrusted)
        {
            throw new CliException(ExitCodes.Untrusted, $"The platform does not trust the chain of '{server}' for '{probe.TlsName}': {probe.PlatformDetail} {probe.PlatformAdvice} A policy is made only from a validated chain.");
        }

        var choice = PinStrategy.Choose(strategy, probe, named, map, output.Time.GetUtcNow());
        var name = host ?? probe.TlsName;
        output.Out.Write(json ? PinStrategyJson.Write(choice, name, backups) : PinStrategy.Write(choice, name, backups));
        if (backups.Count == 0)
        {
            output.Warn("no backup key: add the pin of a key you hold back and have not deployed ('pinset backup-key' makes one; give its .csr.pem here as one more target), so that losing a pinned key is a deployment, not an outage.");
        }

        return ExitCodes.Success;
    }
}
