using System.Text;

namespace Pinset.Cli;

/// <summary>
/// <c>pinset pin HOST --strategy leaf|issuer|root|cdn</c>: a policy rather than a chain. Each pin comes with its origin
/// (the operator and certificate name, from the <see cref="CertificateAuthorityMap"/>), the policy with the trade-off
/// in one line, and a reminder to add a backup key. <c>cdn</c> takes the roots of every operator the CDN may issue from:
/// the CDN recognised by the probe (a response header, or a CDN-branded issuing CA), or the one <c>--cdn</c> names.
/// </summary>
internal static class PinStrategy
{
    public const string Leaf = "leaf", Issuer = "issuer", Root = "root", Cdn = "cdn";

    public static IReadOnlyList<string> Names { get; } = [Leaf, Issuer, Root, Cdn];

    /// <summary>One pin of the policy and where it comes from.</summary>
    internal sealed record Pin(SpkiPin Value, string Origin);

    /// <summary>What a strategy chose: the pins, the CDN where one applies, and the trade-off in one line.</summary>
    internal sealed record Choice(string Strategy, IReadOnlyList<Pin> Pins, CdnRecognition? Cdn, string TradeOff);

    /// <summary>The profile <c>--cdn</c> names; a name pinset does not know is a usage error listing those it knows.</summary>
    public static CdnProfile? Profile(string? name) => name is null ? null
        : CdnProfile.Find(name) ?? throw new CliException(ExitCodes.BadInput, $"--cdn '{name}' is not a CDN pinset knows; give one of {string.Join(", ", CdnProfile.Known.Select(p => $"'{p.Name}'"))}.");

    /// <summary>The pins <paramref name="strategy"/> takes from a validated chain.</summary>
    public static Choice Choose(string strategy, ProbeResult probe, CdnProfile? named, CertificateAuthorityMap map, DateTimeOffset now)
    {
        var chain = probe.ValidatedChain;
        switch (strategy)
        {
            case Leaf:
                return new Choice(strategy, [new(PinOf(chain[0]), $"the leaf '{chain[0].Subject}', replaced at each renewal")], null,
                    "Trade-off: a leaf pin trusts this one key: the next certificate must reuse it or carry the backup key, or clients are locked out (a CDN renews every 90 days or less).");
            case Issuer:
                var issuer = chain.Count > 1 ? chain[1] : throw new CliException(ExitCodes.BadInput, $"The validated chain of '{probe.Target}' has no issuing CA (the leaf is its own root); choose --strategy leaf.");
                var pool = map.Find(PinOf(issuer)) is { IsRoot: false } key ? map.FindOperator(key.Operator)!.IssuingAt(now).Count : 0;
                return new Choice(strategy, [new(PinOf(issuer), Origin(issuer, map))], null,
                    "Trade-off: an intermediate pin trusts every certificate of this one issuing CA; it breaks when the next certificate comes from another intermediate"
                    + (pool > 1 ? $" ({map.Find(PinOf(issuer))!.Operator} issues from {pool} intermediates at random)." : " or another CA."));
            case Root:
                var root = chain[^1];
                var pins = new List<Pin> { new(PinOf(root), Origin(root, map)) };
                if (map.Find(PinOf(root)) is { IsRoot: true } known)
                {
                    pins.AddRange(map.FindOperator(known.Operator)!.RootsAt(now).Where(r => r.Pin != known.Pin).Select(r => new Pin(r.Pin, $"{r.Description}, the operator's other root")));
                }

                return new Choice(strategy, pins, null,
                    "Trade-off: root pins trust every intermediate under those roots: renewals from any of them pass, and a move to another CA operator breaks them.");
            default:
                var cdn = named is not null ? new CdnRecognition(named, "--cdn") : CdnRecognition.Recognise(probe.Headers, chain, map)
                    ?? throw new CliException(ExitCodes.BadInput, $"'{probe.Target}' was not recognised as behind a CDN: no response header of {NameList.Join(CdnProfile.Known.Select(p => p.DisplayName))}, and no CDN-branded issuing CA; name the CDN with --cdn ({string.Join(", ", CdnProfile.Known.Select(p => p.Name))}), or choose --strategy root.");
                var roots = cdn.Profile.Operators.Select(o => map.FindOperator(o)).OfType<CertificateAuthorityOperator>().SelectMany(o => o.RootsAt(now));
                return new Choice(strategy, [.. roots.Select(r => new Pin(r.Pin, r.Description))], cdn,
                    $"Trade-off: root pins trust every intermediate under those roots: {cdn.Profile.DisplayName}'s renewals and moves between these operators pass, and so would a certificate misissued under any of them.");
        }
    }

    /// <summary>The policy for <paramref name="host"/> as JSON with a comment per pin (Pinset's policy reader skips comments).</summary>
    public static string Write(Choice choice, string host, IReadOnlyList<Pin> backups)
    {
        var text = new StringBuilder();
        text.Append("// pinset pin --strategy ").Append(choice.Strategy).Append(" for '").Append(host).Append('\'')
            .Append(choice.Cdn is { } cdn ? $": the roots of every CA operator {cdn.Profile.DisplayName} may issue from ({(cdn.Evidence == "--cdn" ? "named by --cdn" : "recognised by " + cdn.Evidence)})." : ".").Append('\n');
        text.Append("// ").Append(choice.TradeOff).Append('\n');
        text.Append("{\n  \"pinning\": {\n    \"policies\": [\n      {\n        \"hosts\": [\"").Append(host).Append("\"],\n        \"pins\": [\n");
        var all = choice.Pins.Concat(backups).DistinctBy(p => p.Value).ToList();
        for (int i = 0; i < all.Count; i++)
        {
            text.Append("          \"").Append(all[i].Value).Append('"').Append(i < all.Count - 1 ? "," : " ").Append(" // ").Append(all[i].Origin).Append('\n');
        }

        text.Append("        ]\n      }\n    ]\n  }\n}\n");
        return text.ToString();
    }

    /// <summary>The origin of a chain certificate: its operator and name when the map knows its key.</summary>
    public static string Origin(ChainCertificate certificate, CertificateAuthorityMap map) =>
        certificate.Pin is { } pin && map.Find(pin) is { } key
            ? key.Description
            : $"'{certificate.Subject}' (operator not in the map)";

    private static SpkiPin PinOf(ChainCertificate certificate) =>
        certificate.Pin ?? throw new CliException(ExitCodes.BadInput, $"The public key of '{certificate.Subject}' could not be found, so it has no pin.");
}
