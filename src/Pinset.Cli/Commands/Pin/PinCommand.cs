using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Pinset.Formats;

namespace Pinset.Cli;

/// <summary><c>pinset pin</c>: the pins of a server's validated chain, or of certificates, keys and requests in files.</summary>
internal static class PinCommand
{
    public static Command Create(CliConsole output, Option<bool> json)
    {
        var targets = new Argument<string[]>("target") { Description = "https://host[:port]/..., host[:port], or a PEM/DER certificate, bundle, public key or CSR file ('-' reads standard input).", Arity = ArgumentArity.OneOrMore };
        ShellCompletion.OfFiles(targets);
        var format = new Option<string>("--format") { Description = "How to print the pins.", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong(["text", .. PolicyFormat.All]);
        var host = new Option<string?>("--host") { HelpName = "HOST", Description = "The host to name in --format output (default: the server's host)." };
        var insecure = new Option<bool>("--insecure") { Description = "Show the chain even when the platform does not trust it. For inspection only: never pin a chain you cannot validate." };
        var connection = new ConnectionOptions();
        var strategies = new PinStrategyRunner();
        var command = new Command("pin", "Print the pins of a server's validated chain (leaf first) or of the keys in files.") { targets, format, host, insecure };
        connection.AddTo(command);
        strategies.AddTo(command);
        command.SetAction(async (parse, cancel) =>
        {
            if (parse.GetValue(json) && parse.GetResult(format) is { Implicit: false })
            {
                throw new CliException(ExitCodes.BadInput, $"--json and --format {parse.GetValue(format)} ask for two different outputs; give one. (--json prints the pins as one JSON document; --format json prints them as a policy.)");
            }

            var settings = await connection.ReadAsync(parse, output, cancel).ConfigureAwait(false);
            if (strategies.Asked(parse))
            {
                return parse.GetResult(format) is { Implicit: false } || parse.GetValue(insecure)
                    ? throw new CliException(ExitCodes.BadInput, "--strategy prints a JSON policy with each pin's origin and takes neither --format nor --insecure; convert the policy with 'pinset convert'.")
                    : await strategies.RunAsync(parse, parse.GetValue(targets)!, settings, parse.GetValue(host), parse.GetValue(json), output, cancel).ConfigureAwait(false);
            }

            var groups = new List<PinGroup>();
            foreach (var target in parse.GetValue(targets)!)
            {
                groups.Add(await ReadAsync(target, settings, parse.GetValue(insecure), output, cancel).ConfigureAwait(false));
            }

            Print(output, groups, parse.GetValue(json) ? PolicyFormat.Json + "-document" : parse.GetValue(format)!, parse.GetValue(host));
            return ExitCodes.Success;
        });
        return command;
    }

    private sealed record PinGroup(string Target, string? Host, bool Trusted, IReadOnlyList<PinItem> Items);

    /// <summary>One certificate of a server's chain, or one key read from a file; <paramref name="IsLeafKey"/> when it is a server's own key.</summary>
    private sealed record PinItem(ChainCertificate? Certificate, PinSource? Source, bool OnPath, bool IsLeafKey)
    {
        public SpkiPin? Pin => Certificate is not null ? Certificate.Pin : Source!.Pin;

        public string Subject => Certificate?.Subject ?? Source!.Subject ?? "(public key)";
    }

    private static async Task<PinGroup> ReadAsync(string target, ConnectionSettings settings, bool insecure, CliConsole output, CancellationToken cancel)
    {
        if (InputFile.Names(target))
        {
            var sources = PinSource.ReadAll(await output.Files.ReadAsync(target, "a certificate, key or CSR file, or a server", cancel).ConfigureAwait(false), InputFile.Display(target));
            return new PinGroup(InputFile.Display(target), null, true, [.. sources.Select(s => new PinItem(null, s, true, !s.IsCertificateAuthority))]);
        }

        if (!ServerTarget.TryParse(target, out var server, out var error))
        {
            throw new CliException(ExitCodes.BadInput, ServerTarget.CouldBeFile(target)
                ? $"'{target}' is not a file (no such file: '{Path.GetFullPath(target)}') and not a server either ('https://host[:port]/' or 'host[:port]')."
                : error);
        }

        ProbeResult probe;
        try
        {
            probe = await TlsProbe.ProbeAsync(server, settings, null, cancel).ConfigureAwait(false);
        }
        catch (CliException ex) when (ServerTarget.CouldBeFile(target) && ex.InnerException is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.HostNotFound or System.Net.Sockets.SocketError.TryAgain or System.Net.Sockets.SocketError.NoData })
        {
            // 'leaf.pem' is a fine host name; what the user meant was more likely a file that is not there. Say both.
            throw new CliException(ExitCodes.BadInput, $"'{target}' is not a file (no such file: '{Path.GetFullPath(target)}') and not a reachable server either: the name '{server.Host}' does not resolve.", ex);
        }

        if (!probe.PlatformTrusted)
        {
            if (!insecure)
            {
                throw new CliException(ExitCodes.Untrusted, $"The platform does not trust the chain of '{server}' for '{probe.TlsName}': {probe.PlatformDetail} {probe.PlatformAdvice} (--insecure shows the chain anyway, for inspection only.)");
            }

            output.Warn($"INSECURE: the platform does NOT trust the chain of '{server}' ({probe.PlatformDetail}). These pins are shown for inspection only; do not pin a chain you cannot validate.");
        }

        var onPath = probe.ValidatedChain.Select(c => c.Fingerprint).ToHashSet();
        var items = probe.ValidatedChain.Select((c, i) => new PinItem(c, null, true, i == 0))
            .Concat(probe.Served.Where(c => !onPath.Contains(c.Fingerprint)).Select(c => new PinItem(c, null, false, false)))
            .ToList();
        return new PinGroup(server.ToString(), probe.TlsName, probe.PlatformTrusted, items);
    }

    private static void Print(CliConsole output, List<PinGroup> groups, string format, string? host)
    {
        if (format == "text")
        {
            foreach (var group in groups)
            {
                if (groups.Count > 1)
                {
                    output.Out.WriteLine($"# {group.Target}");
                }

                foreach (var item in group.Items)
                {
                    output.Out.WriteLine(item.Certificate is not null ? Line(item.Certificate, item.OnPath) : Line(item.Source!));
                }
            }

            return;
        }

        if (format == PolicyFormat.Json + "-document")
        {
            output.Out.WriteLine(JsonDocumentWriter.Write(json =>
            {
                json.WriteStartObject();
                json.WriteStartArray("targets");
                foreach (var group in groups)
                {
                    WriteGroup(json, group);
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }));
            return;
        }

        var onPath = groups.SelectMany(g => g.Items).Where(i => i.OnPath && i.Pin is not null).ToList();
        if (format == PolicyFormat.Curl)
        {
            // curl compares the server's own key only: a CA's pin in its list could never match, so it is left out, by name.
            var left = onPath.Where(i => !i.IsLeafKey).ToList();
            onPath = [.. onPath.Where(i => i.IsLeafKey)];
            if (onPath.Count == 0)
            {
                throw new CliException(ExitCodes.BadInput, $"None of the targets holds a server's own (leaf) key, and curl's --pinnedpubkey compares only that key: the CA pins {Describe(left)} would never match under curl. Give the server, or its leaf certificate.");
            }

            if (left.Count > 0)
            {
                output.Warn($"curl's --pinnedpubkey compares only the server's own (leaf) key; left out the CA pins {Describe(left)}, which never match under curl.");
            }
        }

        var pins = onPath.Select(i => i.Pin!.Value.ToString()).Distinct().ToList();
        var name = host ?? groups.Select(g => g.Host).FirstOrDefault(h => h is not null);
        if (name is null && format != PolicyFormat.Curl)
        {
            throw new CliException(ExitCodes.BadInput, $"--format {format} names a host; give --host when the targets are files.");
        }

        var configuration = new PinningConfiguration { Policies = [new HostPolicyConfiguration { Hosts = [name ?? "localhost"], Pins = pins }] };
        var warnings = new List<string>();
        output.Out.Write(PolicyFormat.Write(format, configuration, output.Time.GetUtcNow(), warnings, onPath.Where(i => i.IsLeafKey).Select(i => i.Pin!.Value).ToHashSet(), ownBackupWarning: true));
        warnings.ForEach(output.Warn);
        if (pins.Count < 2)
        {
            output.Warn(format == PolicyFormat.Curl
                ? "only the current leaf's pin: curl will refuse the server as soon as its key changes; add the next key's pin after a ';' ('pinset backup-key' makes the key)."
                : "only one pin: an enforced policy also needs a backup pin that is not in today's chain ('pinset backup-key' makes one).");
        }
        else if (format != PolicyFormat.Curl && !onPath.Any(i => i.Source is { Kind: not PinSourceKind.Certificate }))
        {
            // Every pin is a key in use today; none is a key kept back for the next rotation (a public key or a request).
            output.Warn($"no backup pin: each of the {pins.Count} pins is the key of a certificate in use today ({string.Join(", ", groups.Select(g => g.Target))}), so when those keys change, clients holding this policy are locked out. Add the pin of a key that is not deployed yet ('pinset backup-key' makes one and prints its pin).");
        }
    }

    private static string Describe(IEnumerable<PinItem> items) => string.Join(", ", items.Select(i => $"{i.Pin} ({i.Subject})"));

    private static string Line(ChainCertificate certificate, bool onPath) =>
        $"{certificate.Pin?.ToString() ?? "(no key found)"}  {certificate.Subject}  issuer={certificate.Issuer}  expires={certificate.NotAfter.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}  key={certificate.KeyAlgorithm}"
        + (onPath ? string.Empty : "  (sent by the server, not on the validated path)");

    private static string Line(PinSource source) =>
        $"{source.Pin}  {source.Subject ?? "(public key)"}  kind={source.Kind}"
        + (source.Issuer is null ? string.Empty : $"  issuer={source.Issuer}")
        + (source.NotAfter is { } notAfter ? $"  expires={notAfter.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}" : string.Empty)
        + $"  key={source.KeyAlgorithm}";

    private static void WriteGroup(Utf8JsonWriter json, PinGroup group)
    {
        json.WriteStartObject();
        json.WriteString("target", group.Target);
        json.WriteBoolean("trusted", group.Trusted);
        json.WriteStartArray("certificates");
        foreach (var item in group.Items)
        {
            if (item.Certificate is not null)
            {
                JsonDocumentWriter.WriteCertificate(json, item.Certificate, item.OnPath);
                continue;
            }

            var source = item.Source!;
            json.WriteStartObject();
            json.WriteString("pin", source.Pin.ToString());
            json.WriteString("kind", source.Kind.ToString());
            json.WriteString("subject", source.Subject);
            json.WriteString("issuer", source.Issuer);
            if (source.NotAfter is { } notAfter)
            {
                json.WriteString("notAfter", notAfter);
            }

            json.WriteString("keyAlgorithm", source.KeyAlgorithm);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }
}
