using System.CommandLine;
using System.Globalization;

namespace Pinset.Cli;

/// <summary>
/// <c>pinset bundle sign POLICY --key NAME.key --version N (--expires TIME | --valid-for 30d) --out FILE</c>: a policy that
/// does not load is refused; the bundle's own risks and, unless <c>--offline</c>, the rotation risks <c>check</c> finds on
/// the policy's servers are warned about before the bundle is written.
/// </summary>
internal static class BundleSignCommand
{
    /// <summary>Past this, a captured older bundle stays usable against a fresh install (which has no version memory) for long.</summary>
    private static readonly TimeSpan LongValidity = TimeSpan.FromDays(90);

    public static Command Create(CliConsole output, Option<bool> json)
    {
        var policyFile = new Argument<string>("policy") { Description = "The JSON policy file to sign ('-' reads standard input)." };
        ShellCompletion.OfFiles(policyFile);
        var keyFile = new Option<string>("--key") { HelpName = "FILE", Description = "The signing key (NAME.key from 'pinset bundle keygen').", Required = true };
        var version = new Option<long>("--version") { HelpName = "N", Description = "The bundle's version: higher than every version published before.", Required = true };
        var expires = new Option<string?>("--expires") { HelpName = "TIME", Description = "When the bundle stops applying (RFC 3339, such as 2027-01-31T00:00:00Z). Give --expires or --valid-for." };
        var validFor = new Option<string?>("--valid-for") { HelpName = "DURATION", Description = "How long the bundle applies from now, such as 30d or 12h. Give --expires or --valid-for." };
        var outFile = new Option<string>("--out", "-o") { HelpName = "FILE", Description = "Where to write the bundle (whole, or not at all).", Required = true };
        var offline = new Option<bool>("--offline") { Description = "Do not connect to the policy's servers to check rotation risks (for an offline signing machine)." };
        var warnDays = new Option<int>("--warn-days") { HelpName = "DAYS", Description = "Warn when the policy or a pinned certificate expires within this many days.", DefaultValueFactory = _ => 30 };
        var force = new Option<bool>("--force") { Description = "Sign even when a server of the policy fails it today (clients given the bundle would refuse that server)." };
        var connection = new ConnectionOptions();
        var command = new Command("sign", "Sign a policy as a pin bundle, after checking it loads and warning of its rotation risks.") { policyFile, keyFile, version, expires, validFor, outFile, offline, warnDays, force };
        connection.AddTo(command);
        command.SetAction(async (parse, cancel) =>
        {
            var path = parse.GetValue(policyFile)!;
            var configuration = PinningConfigurationJson.Parse(await output.Files.ReadTextAsync(path, "a JSON policy file", cancel).ConfigureAwait(false), InputFile.Display(path));
            var policy = PinningPolicy.Create(configuration);
            using var key = await BundleFiles.ReadSigningKeyAsync(output, parse.GetValue(keyFile)!, cancel).ConfigureAwait(false);
            var now = output.Time.GetUtcNow();
            var until = Expiry(parse.GetValue(expires), parse.GetValue(validFor), now);
            long number = parse.GetValue(version);
            if (number < 1)
            {
                throw new CliException(ExitCodes.BadInput, $"--version '{number}' is not a version: give a whole number from 1, higher than every version published before.");
            }

            if (policy.Policies.FirstOrDefault(p => p.IsExpired(now)) is { } stale)
            {
                // Signed, it would reach every client as a policy that pins nothing for its hosts.
                throw new CliException(ExitCodes.BadInput, $"{stale} expired on {stale.Expires!.Value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)}: clients given this bundle would not pin its hosts at all. Renew its 'expires' (or remove it) before signing.");
            }

            var warnings = OwnRisks(policy, now, until, parse.GetValue(warnDays));
            if (parse.GetValue(offline))
            {
                warnings.Add("--offline: the policy's servers were not checked; run 'pinset check' on it from a connected machine before publishing.");
            }
            else
            {
                var (refusing, risks) = await ServerRisksAsync(parse, connection, policy, path, parse.GetValue(warnDays), output, cancel).ConfigureAwait(false);
                if (refusing.Count > 0 && !parse.GetValue(force))
                {
                    // A bundle is how pins reach every client at once: one that refuses a live server is an outage shipped.
                    throw new CliException(ExitCodes.Refused, $"Not signed: clients given this bundle would refuse {Plural.Count(refusing.Count, "server")} of the policy today. {string.Join(" ", refusing)} Fix the policy (pinset check shows why), or give --force to sign it all the same.");
                }

                warnings.AddRange(refusing);
                warnings.AddRange(risks);
            }

            var bundle = PinBundle.Sign(configuration, number, now, until, key);
            var target = parse.GetValue(outFile)!;
            using (var staged = StagedFile.Write(target, bundle + "\n"))
            {
                cancel.ThrowIfCancellationRequested();
                staged.Commit(overwrite: true);
            }

            var keyId = PinBundleKey.FromPublicKey(key).Id;
            if (parse.GetValue(json))
            {
                output.Out.WriteLine(JsonDocumentWriter.Write(w =>
                {
                    w.WriteStartObject();
                    w.WriteString("bundle", target);
                    w.WriteNumber("version", number);
                    w.WriteString("keyId", keyId.ToString());
                    w.WriteString("issuedAt", now);
                    w.WriteString("expires", until);
                    JsonDocumentWriter.WriteStrings(w, "warnings", warnings);
                    w.WriteEndObject();
                }));
            }
            else
            {
                warnings.ForEach(output.Warn);
                output.Out.WriteLine($"Signed version {number} of {policy.Policies.Count} polic{(policy.Policies.Count == 1 ? "y" : "ies")} with key {keyId}, valid until {until.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)}, to '{target}'.");
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static DateTimeOffset Expiry(string? expires, string? validFor, DateTimeOffset now)
    {
        if ((expires is null) == (validFor is null))
        {
            throw new CliException(ExitCodes.BadInput, "Give either --expires TIME or --valid-for DURATION, not both and not neither: a bundle always expires.");
        }

        if (validFor is not null)
        {
            return now + Duration.Parse(validFor, "--valid-for", TimeSpan.FromDays(3650));
        }

        if (!DateTimeOffset.TryParse(expires, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var instant))
        {
            throw new CliException(ExitCodes.BadInput, $"--expires '{expires}' is not a time; give one in RFC 3339, such as 2027-01-31T00:00:00Z.");
        }

        return instant > now ? instant
            : throw new CliException(ExitCodes.BadInput, $"--expires '{expires}' is not in the future; a bundle that has expired is refused by every client.");
    }

    /// <summary>What makes this bundle risky whatever the servers present.</summary>
    private static List<string> OwnRisks(PinningPolicy policy, DateTimeOffset now, DateTimeOffset until, int days)
    {
        var risks = new List<string>();
        if (until - now > LongValidity)
        {
            risks.Add($"the bundle is valid for {(int)(until - now).TotalDays} days: a fresh install has no memory of newer versions, so a captured copy of this bundle can be replayed to it until it expires. Prefer short validity and frequent re-signing.");
        }

        foreach (var rule in policy.Policies.Where(p => p.Expires is { } e && e > now && e < until))
        {
            risks.Add($"{rule} expires before the bundle does: from then until the bundle expires, its hosts are not pinned.");
        }

        foreach (var rule in policy.Policies.Where(p => p.Expires is { } e && e > now && e <= now.AddDays(days)))
        {
            risks.Add($"{rule} expires within {Plural.Count(days, "day")}.");
        }

        return risks;
    }

    /// <summary>
    /// check's verdicts for the policy's exact hosts: the servers clients given the bundle would refuse today (a failing
    /// verdict other than an unreachable server, which says nothing of the pins), and the rest as warnings (servers that
    /// could not be checked, rotation risks).
    /// </summary>
    private static async Task<(List<string> Refusing, List<string> Risks)> ServerRisksAsync(ParseResult parse, ConnectionOptions connection, PinningPolicy policy, string path, int days, CliConsole output, CancellationToken cancel)
    {
        var settings = await connection.ReadAsync(parse, output, cancel).ConfigureAwait(false);
        var servers = policy.Policies.SelectMany(p => p.Hosts).Any(h => h.Kind == HostPatternKind.Exact) ? CheckCommand.Targets([], policy, path) : [];
        var pinner = new CertificatePinner(policy, new CertificatePinnerOptions { CustomTrustRoots = settings.Roots, TimeProvider = output.Time });
        var findings = await CheckCommand.RunAllAsync(servers, settings, pinner, days, 8, output, cancel).ConfigureAwait(false);
        return (
            [.. findings.Where(f => f.Failed && f.Result is not null).Select(f => $"{f.Target}: {f.Verdict} today ({f.Detail.Split('\n')[0]}); clients given this bundle would refuse it.")],
            [
                .. findings.Where(f => f.Failed && f.Result is null).Select(f => $"{f.Target} could not be checked: {f.Detail.Split('\n')[0]}"),
                .. findings.SelectMany(f => f.Risks.Select(r => $"{f.Target}: {r}")),
            ]);
    }
}
