using System.CommandLine;
using System.Text.Json;

namespace Pinset.Cli;

/// <summary><c>pinset verify</c>: connect to each target, validate, apply the pins or the policy, print the verdicts.</summary>
internal static class VerifyCommand
{
    public static Command Create(CliConsole output, Option<bool> json)
    {
        var targets = new Argument<string[]>("target") { Description = "https://host[:port]/... or host[:port]; several are verified one after another.", Arity = ArgumentArity.OneOrMore };
        var pins = new Option<string[]>("--pin") { HelpName = "PIN", Description = "A pin the chain must contain (sha256/..., sha256//... or pin-sha256=\"...\"). Repeatable. Give --pin or --policy." };
        var policy = new Option<string?>("--policy") { HelpName = "FILE", Description = "A policy file ('-' reads standard input); its host matching applies (case, trailing dot, IDN). Give --pin or --policy." };
        var connection = new ConnectionOptions();
        var caMap = CaMapOption.Create();
        var command = new Command("verify", "Connect, validate the chain, and check it against pins or a policy.") { targets, pins, policy, caMap };
        connection.AddTo(command);
        command.SetAction(async (parse, cancel) =>
        {
            var settings = await connection.ReadAsync(parse, output, cancel).ConfigureAwait(false);
            var servers = parse.GetValue(targets)!.Select(text => ServerTarget.TryParse(text, out var server, out var error) ? server : throw new CliException(ExitCodes.BadInput, error)).ToList();
            var given = parse.GetValue(pins) ?? [];
            var file = parse.GetValue(policy);
            if ((given.Length == 0) == (file is null))
            {
                throw new CliException(ExitCodes.BadInput, "Give either --pin (one or more) or --policy FILE, not both and not neither.");
            }

            var pinning = file is not null
                ? await PolicyFile.LoadAsync(file, output, cancel).ConfigureAwait(false)
                : GivenPins(servers.Select(s => settings.Sni ?? s.Host).Distinct(), given.Select(SpkiPin.Parse));
            // The built-in map is read only if a failure block is written; a map given is read (and checked) now.
            var authorities = parse.GetValue(caMap) is null ? null : await CaMapOption.ReadAsync(parse, caMap, output, cancel).ConfigureAwait(false);
            var pinner = new CertificatePinner(pinning, new CertificatePinnerOptions { CustomTrustRoots = settings.Roots, TimeProvider = output.Time, CertificateAuthorities = authorities });
            var verdicts = new List<Verdict>();
            foreach (var server in servers)
            {
                try
                {
                    verdicts.Add(Verdict.Of(server, await TlsProbe.ProbeAsync(server, settings, pinner, cancel).ConfigureAwait(false)));
                }
                catch (CliException ex) when (ex.ExitCode == ExitCodes.ConnectFailed && servers.Count > 1)
                {
                    // With several targets one that cannot be reached is reported and the others are still verified.
                    verdicts.Add(new Verdict(server, null, null, ExitCodes.ConnectFailed, ex.Message));
                }
            }

            if (parse.GetValue(json))
            {
                output.Out.WriteLine(JsonDocumentWriter.Write(w =>
                {
                    w.WriteStartObject();
                    w.WriteBoolean("passed", verdicts.All(v => v.Exit == ExitCodes.Success));
                    w.WriteStartArray("targets");
                    verdicts.ForEach(v => v.Write(w));
                    w.WriteEndArray();
                    w.WriteEndObject();
                }));
            }
            else
            {
                foreach (var verdict in verdicts)
                {
                    output.Out.WriteLine(verdict.Text(file));
                }
            }

            // One exit code for all: a refusal outranks an untrusted chain, which outranks an unreachable server.
            int[] precedence = [ExitCodes.Refused, ExitCodes.Untrusted, ExitCodes.ConnectFailed];
            return precedence.FirstOrDefault(code => verdicts.Any(v => v.Exit == code), ExitCodes.Success);
        });
        return command;
    }

    /// <summary>
    /// The policy of pins given on the command line: enforced, for the targets' names. One pin is a fair question for
    /// verify, so the builder's backup-pin warning is not a concern here (verify deploys nothing).
    /// </summary>
    private static PinningPolicy GivenPins(IEnumerable<string> hosts, IEnumerable<SpkiPin> pins)
    {
        var builder = new PinningPolicyBuilder();
        builder.AddPolicy(policy =>
        {
            foreach (var host in hosts)
            {
                policy.ForHost(HostPattern.Parse(host));
            }

            foreach (var pin in pins)
            {
                policy.Pin(pin);
            }
        });
        return builder.Build();
    }

    /// <summary>One target's verdict: the probe and pin result, or why it could not be reached.</summary>
    private sealed record Verdict(ServerTarget Server, ProbeResult? Probe, PinValidationOutcome? Outcome, int Exit, string? Unreachable)
    {
        public static Verdict Of(ServerTarget server, ProbeResult probe)
        {
            var outcome = probe.Pinning!.Outcome;
            int exit = outcome switch
            {
                PinValidationOutcome.PinMatched => ExitCodes.Success,
                PinValidationOutcome.PlatformValidationFailed => ExitCodes.Untrusted,
                _ => ExitCodes.Refused,
            };
            return new Verdict(server, probe, outcome, exit, null);
        }

        /// <summary>True when the certificate carries a pinned key or is a pinned certificate.</summary>
        private bool Pinned(ChainCertificate certificate) =>
            Probe!.Pinning!.ExpectedPins.Contains(certificate.Pin ?? default) || Probe.Pinning.ExpectedCertificates.Contains(certificate.Fingerprint);

        public string Text(string? file)
        {
            if (Probe is null)
            {
                return $"UNREACHABLE: {Unreachable}";
            }

            var result = Probe.Pinning!;
            if (Exit == ExitCodes.Success)
            {
                var lines = Probe.ValidatedChain.Select(c => $"  {(Pinned(c) ? "pinned" : "      ")}  {c}");
                return string.Join('\n', lines.Prepend($"PASSED: a pinned key or certificate is in the validated chain of {Server} ('{result.Host}')."));
            }

            if (Outcome == PinValidationOutcome.NoPolicy)
            {
                return $"REFUSED: no policy in '{InputFile.Display(file!)}' matches '{result.Host}', so nothing can be verified for {Server}.";
            }

            if (Outcome == PinValidationOutcome.PolicyExpired)
            {
                // Clients would connect, but not because of a pin: the policy pins nothing any more, and verify says so.
                return $"REFUSED: the policy in '{InputFile.Display(file!)}' that matches '{result.Host}' ({result.Policy}) has expired, so it pins nothing and nothing can be verified for {Server}. {result.Detail} Clients no longer enforce its pins; renew the policy (a later 'expires', or none).";
            }

            var block = result.ToString();
            if (result.Outcome == PinValidationOutcome.PinMismatch && file is null)
            {
                // The policy of given pins is verify's own device; the user gave pins, not a policy, so the block speaks of pins.
                var lines = block.Split('\n').Skip(1).Where(l => !l.StartsWith("  Policy:", StringComparison.Ordinal));
                block = "Certificate pinning failure! No given pin is in the validated chain.\n" + string.Join('\n', lines);
            }

            return Outcome == PinValidationOutcome.PlatformValidationFailed ? $"{block}\n  What to do: {Probe.PlatformAdvice}" : block;
        }

        public void Write(Utf8JsonWriter w)
        {
            w.WriteStartObject();
            w.WriteString("target", Server.ToString());
            w.WriteBoolean("passed", Exit == ExitCodes.Success);
            if (Probe is null)
            {
                w.WriteString("verdict", "Unreachable");
                w.WriteString("detail", Unreachable);
                w.WriteEndObject();
                return;
            }

            var result = Probe.Pinning!;
            w.WriteString("host", result.Host);
            w.WriteString("verdict", Outcome.ToString());
            JsonDocumentWriter.WriteStrings(w, "expectedPins", result.ExpectedPins.Select(p => p.ToString()));
            JsonDocumentWriter.WriteStrings(w, "expectedCertificates", result.ExpectedCertificates.Select(p => p.ToString()));
            w.WriteBoolean("platformTrusted", Probe.PlatformTrusted);

            // The chain the platform built: validated when platformTrusted, else only built (and refused).
            w.WriteStartArray("chain");
            foreach (var certificate in Probe.ValidatedChain)
            {
                JsonDocumentWriter.WriteCertificate(w, certificate, pinned: Exit == ExitCodes.Success ? Pinned(certificate) : null);
            }

            w.WriteEndArray();
            w.WriteString("detail", result.Detail ?? Probe.PlatformDetail);
            w.WriteString("advice", Probe.PlatformAdvice);
            w.WriteEndObject();
        }
    }
}
