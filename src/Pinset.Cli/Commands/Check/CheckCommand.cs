using System.CommandLine;
using System.Globalization;
using Spectre.Console;

namespace Pinset.Cli;

/// <summary>
/// <c>pinset check</c>: the pre-flight and monitoring job. For each target: does the validated chain satisfy the policy
/// today, and will it still after the next rotation (a backup pin not in today's chain, pins not on the leaf alone, no
/// expiry within the warning window)?
/// </summary>
internal static class CheckCommand
{
    public static Command Create(CliConsole output, Option<bool> json)
    {
        var policyFile = new Argument<string>("policy") { Description = "The policy file to check ('-' reads standard input)." };
        ShellCompletion.OfFiles(policyFile);
        var targets = new Argument<string[]>("target") { Description = "Optional: the servers to check; by default every exact host of the policy, on port 443.", Arity = ArgumentArity.ZeroOrMore };
        var warnDays = new Option<int>("--warn-days") { HelpName = "DAYS", Description = "Warn when the policy or a pinned certificate expires within this many days.", DefaultValueFactory = _ => 30 };
        var concurrency = new Option<int>("--concurrency") { HelpName = "N", Description = "How many servers to check at once.", DefaultValueFactory = _ => 8 };
        var report = new Option<bool>("--report") { Description = "Send an RFC 7469 report for each failing target to the policy's report URIs." };
        var connection = new ConnectionOptions();
        var caMap = CaMapOption.Create();
        var command = new Command("check", "Check a policy against live servers: today's verdict and the rotation risks.") { policyFile, targets, warnDays, concurrency, report, caMap };
        connection.AddTo(command);
        command.SetAction(async (parse, cancel) =>
        {
            var settings = await connection.ReadAsync(parse, output, cancel).ConfigureAwait(false);
            var path = parse.GetValue(policyFile)!;
            var policy = await PolicyFile.LoadAsync(path, output, cancel).ConfigureAwait(false);
            int days = parse.GetValue(warnDays);
            int bound = parse.GetValue(concurrency);
            if (days < 0 || bound is < 1 or > 256)
            {
                throw new CliException(ExitCodes.BadInput, $"--warn-days '{days}' must be 0 or more and --concurrency '{bound}' from 1 to 256.");
            }

            var servers = Targets(parse.GetValue(targets) ?? [], policy, path);
            var pinner = new CertificatePinner(policy, new CertificatePinnerOptions { CustomTrustRoots = settings.Roots, TimeProvider = output.Time });
            var map = await CaMapOption.ReadAsync(parse, caMap, output, cancel).ConfigureAwait(false);
            var findings = await RunAllAsync(servers, settings, pinner, days, bound, output, cancel, map).ConfigureAwait(false);
            if (parse.GetValue(report))
            {
                await CheckReporter.SendAsync(findings, output, cancel).ConfigureAwait(false);
            }

            Print(output, findings, parse.GetValue(json));
            return findings.Any(f => f.Failed) ? ExitCodes.Refused : findings.Any(f => f.Risks.Count > 0) ? ExitCodes.RotationRisk : ExitCodes.Success;
        });
        return command;
    }

    internal static List<ServerTarget> Targets(string[] given, PinningPolicy policy, string path)
    {
        if (given.Length == 0)
        {
            var exact = policy.Policies.SelectMany(p => p.Hosts).Where(h => h.Kind == HostPatternKind.Exact).Select(h => new ServerTarget(h.Domain, 443)).ToList();
            return exact.Count > 0 ? exact : throw new CliException(ExitCodes.BadInput, $"'{InputFile.Display(path)}' has only wildcard host patterns; name the servers to check as targets.");
        }

        return [.. given.Select(text => ServerTarget.TryParse(text, out var target, out var error) ? target : throw new CliException(ExitCodes.BadInput, error))];
    }

    internal static async Task<CheckFinding[]> RunAllAsync(List<ServerTarget> servers, ConnectionSettings settings, CertificatePinner pinner, int days, int bound, CliConsole output, CancellationToken cancel, CertificateAuthorityMap? map = null)
    {
        map ??= CertificateAuthorityMap.BuiltIn;
        // A fixed set of workers takes the next server as each finishes: in flight at once are at most 'bound' probes,
        // and nothing is allocated ahead for the servers still waiting.
        var findings = new CheckFinding[servers.Count];
        int next = -1;
        async Task WorkAsync(Action? advance)
        {
            for (int index = Interlocked.Increment(ref next); index < servers.Count; index = Interlocked.Increment(ref next))
            {
                findings[index] = await CheckOneAsync(servers[index], settings, pinner, days, output.Time.GetUtcNow(), map, cancel).ConfigureAwait(false);
                advance?.Invoke();
            }
        }

        var workers = Math.Min(bound, servers.Count);
        if (!output.Interactive || output.Json)
        {
            await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => WorkAsync(null))).ConfigureAwait(false);
            return findings;
        }

        await output.ErrorConsole.Progress().StartAsync(async context =>
        {
            var task = context.AddTask($"Checking {Plural.Count(servers.Count, "server")}", maxValue: servers.Count);
            await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => WorkAsync(() => task.Increment(1)))).ConfigureAwait(false);
        }).ConfigureAwait(false);
        return findings;
    }

    private static async Task<CheckFinding> CheckOneAsync(ServerTarget server, ConnectionSettings settings, CertificatePinner pinner, int days, DateTimeOffset now, CertificateAuthorityMap map, CancellationToken cancel)
    {
        ProbeResult probe;
        try
        {
            probe = await TlsProbe.ProbeAsync(server, settings, pinner, cancel, p => p.Pinning?.Outcome == PinValidationOutcome.PinMatched && CdnProbe.Worthwhile(p.ValidatedChain, map)).ConfigureAwait(false);
        }
        catch (CliException ex) when (ex.ExitCode == ExitCodes.ConnectFailed)
        {
            return new CheckFinding(server, null, "UNREACHABLE", ex.Message, true, []);
        }

        var result = probe.Pinning!;
        var (verdict, failed) = result.Outcome switch
        {
            PinValidationOutcome.PinMatched => ("OK", false),
            PinValidationOutcome.PolicyExpired => ("EXPIRED POLICY", true),
            PinValidationOutcome.ReportOnlyMismatch => ("MISMATCH (report-only)", true),
            PinValidationOutcome.PlatformValidationFailed => ("UNTRUSTED", true),
            PinValidationOutcome.NoPolicy => ("NOT PINNED", true),
            _ => (result.Outcome == PinValidationOutcome.BannedPin ? "BANNED PIN" : "PIN MISMATCH", true),
        };
        string detail = result.Outcome switch
        {
            PinValidationOutcome.NoPolicy => $"No policy matches '{result.Host}'.",
            PinValidationOutcome.PlatformValidationFailed => $"{probe.PlatformDetail ?? result.Detail} {probe.PlatformAdvice}".Trim(),
            PinValidationOutcome.PinMatched => string.Empty,
            PinValidationOutcome.PolicyExpired => $"{result.Detail} Clients no longer enforce its pins: they accept any chain the platform trusts, so '{result.Host}' is not pinned. Renew the policy (a later 'expires', or none) and ship it.",
            _ => result.Detail ?? "No pinned key is in the validated chain.",
        };
        var policy = result.Policy;
        var cdn = CdnRecognition.Recognise(probe.Headers, probe.ValidatedChain, map);
        var risks = policy is null || result.Outcome == PinValidationOutcome.PlatformValidationFailed ? [] : Risks(policy, probe.ValidatedChain, days, now);
        risks.AddRange(policy is null || result.Outcome != PinValidationOutcome.PinMatched ? [] : CaRisks.Find(policy, probe.ValidatedChain, cdn, map, now));
        return new CheckFinding(server, result, verdict, detail, failed, risks) { Cdn = cdn };
    }

    /// <summary>The rotation risks of a policy against today's validated chain.</summary>
    internal static List<CheckRisk> Risks(HostPolicy policy, IReadOnlyList<ChainCertificate> chain, int days, DateTimeOffset now)
    {
        var risks = new List<CheckRisk>();
        var inChain = chain.Select(c => c.Pin).OfType<SpkiPin>().ToHashSet();
        if (policy.Pins.All(inChain.Contains) && policy.Certificates.Count == 0)
        {
            risks.Add(new(CheckRisk.NoBackupPin, "No backup pin: every pin of the policy is in today's chain, so a key rotation leaves none that matches (HPKP's rule: keep one pin that is not in the chain)."));
        }

        var matched = chain.Select((c, i) => (c, i)).Where(x => x.c.Pin is { } pin && policy.Pins.Contains(pin) || policy.Certificates.Contains(x.c.Fingerprint)).ToList();
        if (matched.Count > 0 && matched.All(x => x.i == 0))
        {
            risks.Add(new(CheckRisk.LeafOnly, "Leaf only: the only pins that match are on the leaf certificate, which changes at each renewal (the classic CDN outage). Pin the issuing CA's key as well."));
        }

        var horizon = now.AddDays(days);
        if (policy.Expires is { } expires && expires <= horizon && expires > now)
        {
            risks.Add(new(CheckRisk.PolicyExpiresSoon, $"The policy expires on {expires.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}, within {Plural.Count(days, "day")}; after that it is not enforced."));
        }

        foreach (var (certificate, _) in matched.Where(x => x.c.NotAfter <= horizon))
        {
            risks.Add(new(CheckRisk.PinnedCertificateExpiresSoon, $"The pinned certificate '{certificate.Subject}' expires on {certificate.NotAfter.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}, within {Plural.Count(days, "day")}; make sure its successor keeps a pinned key."));
        }

        return risks;
    }

    private static void Print(CliConsole output, CheckFinding[] findings, bool asJson)
    {
        if (asJson)
        {
            output.Out.WriteLine(JsonDocumentWriter.Write(w =>
            {
                w.WriteStartObject();
                w.WriteStartArray("targets");
                foreach (var finding in findings)
                {
                    w.WriteStartObject();
                    w.WriteString("target", finding.Target.ToString());
                    w.WriteString("verdict", finding.Verdict);
                    w.WriteBoolean("failed", finding.Failed);
                    w.WriteString("detail", finding.Detail);
                    CheckJson.WriteRisks(w, finding);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }));
            return;
        }

        if (output.Interactive)
        {
            var table = new Table().AddColumns("Target", "Verdict", "Detail and rotation risks");
            foreach (var finding in findings)
            {
                var colour = finding.Failed ? "red" : finding.Risks.Count > 0 ? "yellow" : "green";
                var notes = finding.Risks.Select(r => "[yellow]risk:[/] " + Markup.Escape(r.Message)).Prepend(Markup.Escape(finding.Detail.Split('\n')[0])).Where(n => n.Length > 0);
                table.AddRow(Markup.Escape(finding.Target.ToString()), $"[{colour}]{Markup.Escape(finding.Verdict)}[/]", string.Join('\n', notes));
            }

            output.Console.Write(table);
        }

        foreach (var finding in output.Interactive ? [] : findings)
        {
            var colour = finding.Failed ? "red" : finding.Risks.Count > 0 ? "yellow" : "green";
            var rest = $"  {finding.Target}{(finding.Detail.Length > 0 ? "  " + finding.Detail.Split('\n')[0] : string.Empty)}";
            output.Line($"[{colour}]{Markup.Escape(finding.Verdict)}[/]{Markup.Escape(rest)}", finding.Verdict + rest);
            foreach (var risk in finding.Risks)
            {
                output.Line($"    [yellow]risk:[/] {Markup.Escape(risk.Message)}", $"    risk: {risk}");
            }
        }

        int failed = findings.Count(f => f.Failed), risky = findings.Count(f => !f.Failed && f.Risks.Count > 0);
        output.Out.WriteLine($"{findings.Length} checked: {failed} failing, {risky} with rotation risks, {findings.Length - failed - risky} fine.");
    }
}

/// <summary>What check found for one target.</summary>
internal sealed record CheckFinding(ServerTarget Target, PinValidationResult? Result, string Verdict, string Detail, bool Failed, IReadOnlyList<CheckRisk> Risks)
{
    /// <summary>The CDN recognised in front of the target, and how; null when none was.</summary>
    public CdnRecognition? Cdn { get; init; }
}
