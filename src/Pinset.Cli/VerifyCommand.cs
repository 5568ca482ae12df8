using System.CommandLine;

namespace Pinset.Cli;

/// <summary><c>pinset verify</c>: connect, validate, apply the pins or the policy, print the verdict.</summary>
internal static class VerifyCommand
{
    public static Command Create(CliConsole output, Option<bool> json)
    {
        var target = new Argument<string>("target") { Description = "https://host[:port]/... or host[:port]." };
        var pins = new Option<string[]>("--pin") { HelpName = "PIN", Description = "A pin the chain must contain (sha256/..., sha256//... or pin-sha256=\"...\"). Repeatable." };
        var policy = new Option<string?>("--policy") { HelpName = "FILE", Description = "A policy file ('-' reads standard input); its host matching applies (case, trailing dot, IDN)." };
        var connection = new ConnectionOptions();
        var command = new Command("verify", "Connect, validate the chain, and check it against pins or a policy.") { target, pins, policy };
        connection.AddTo(command);
        command.SetAction(async (parse, cancel) =>
        {
            var settings = await connection.ReadAsync(parse, output, cancel).ConfigureAwait(false);
            var text = parse.GetValue(target)!;
            if (!ServerTarget.TryParse(text, out var server, out var error))
            {
                throw new CliException(ExitCodes.BadInput, error);
            }

            var given = parse.GetValue(pins) ?? [];
            var file = parse.GetValue(policy);
            if ((given.Length == 0) == (file is null))
            {
                throw new CliException(ExitCodes.BadInput, "Give either --pin (one or more) or --policy FILE, not both and not neither.");
            }

            var pinning = file is not null
                ? await PolicyFile.LoadAsync(file, output, cancel).ConfigureAwait(false)
                : PinningPolicy.Create(new()
                {
                    // One pin is a fair question for verify; report-only waives the backup rule, and the verdict below is the enforced one.
                    Policies = [new PinPolicyConfiguration { Hosts = [settings.Sni ?? server.Host], Pins = [.. given.Select(p => SpkiPin.Parse(p).ToString())], Mode = given.Length == 1 ? "report-only" : null }],
                });
            var pinner = new CertificatePinner(pinning, new CertificatePinnerOptions { CustomTrustRoots = settings.Roots, TimeProvider = output.Time });
            var probe = await TlsProbe.ProbeAsync(server, settings, pinner, cancel).ConfigureAwait(false);
            var result = probe.Pinning!;
            var verdict = file is null && result.Outcome == PinValidationOutcome.ReportOnlyMismatch ? result.EnforcedOutcome!.Value : result.Outcome;
            int exit = verdict switch
            {
                PinValidationOutcome.Allowed or PinValidationOutcome.PolicyExpired => ExitCodes.Success,
                PinValidationOutcome.PlatformValidationFailed => ExitCodes.Untrusted,
                _ => ExitCodes.Refused,
            };
            if (parse.GetValue(json))
            {
                output.Out.WriteLine(JsonDocumentWriter.Write(w =>
                {
                    w.WriteStartObject();
                    w.WriteString("target", server.ToString());
                    w.WriteString("host", result.Host);
                    w.WriteString("verdict", verdict.ToString());
                    w.WriteBoolean("passed", exit == ExitCodes.Success);
                    JsonDocumentWriter.WriteStrings(w, "expectedPins", result.ExpectedPins.Select(p => p.ToString()));
                    w.WriteBoolean("platformTrusted", probe.PlatformTrusted);

                    // The chain the platform built: validated when platformTrusted, else only built (and refused).
                    w.WriteStartArray("chain");
                    probe.ValidatedChain.ToList().ForEach(c => JsonDocumentWriter.WriteCertificate(w, c));
                    w.WriteEndArray();
                    w.WriteString("detail", result.Detail ?? probe.PlatformDetail);
                    w.WriteString("advice", probe.PlatformAdvice);
                    w.WriteEndObject();
                }));
                return exit;
            }

            if (exit == ExitCodes.Success)
            {
                output.Out.WriteLine(verdict == PinValidationOutcome.PolicyExpired
                    ? $"PASSED (policy expired, not enforced): {server} as '{result.Host}'."
                    : $"PASSED: a pinned key is in the validated chain of {server} ('{result.Host}').");
                foreach (var certificate in probe.ValidatedChain)
                {
                    var mark = result.ExpectedPins.Contains(certificate.Pin ?? default) ? "pinned" : "      ";
                    output.Out.WriteLine($"  {mark}  {certificate}");
                }

                return exit;
            }

            var block = result.ToString();
            if (result.Outcome == PinValidationOutcome.ReportOnlyMismatch && file is null)
            {
                // The one-pin policy is verify's own device; the user gave pins, not a policy, so the block speaks of pins.
                var lines = block.Split('\n').Skip(1).Where(l => !l.StartsWith("  Policy:", StringComparison.Ordinal));
                block = "Certificate pinning failure! No given pin is in the validated chain.\n" + string.Join('\n', lines);
            }

            output.Out.WriteLine(verdict == PinValidationOutcome.NotPinned
                ? $"REFUSED: no policy in '{file}' matches '{result.Host}', so nothing can be verified for {server}."
                : block);
            if (verdict == PinValidationOutcome.PlatformValidationFailed)
            {
                output.Out.WriteLine($"  What to do: {probe.PlatformAdvice}");
            }
            return exit;
        });
        return command;
    }
}
