using System.CommandLine;

namespace Pinset.Cli;

/// <summary><c>pinset convert</c>: one policy, every ecosystem's form.</summary>
internal static class ConvertCommand
{
    public static Command Create(CliOutput output, Option<bool> json)
    {
        var file = new Argument<FileInfo>("file") { Description = "A JSON policy, an Android network_security_config.xml, TrustKit settings (Info.plist XML), or HPKP header lines." };
        var to = new Option<string>("--to") { Description = "The form to write.", Required = true };
        to.AcceptOnlyFromAmong(PolicyFormat.All);
        var host = new Option<string?>("--host") { HelpName = "HOST", Description = "The host an HPKP header was served by (required to read one)." };
        var outputFile = new Option<string?>("--output", "-o") { HelpName = "FILE", Description = "Write the converted policy to FILE (whole, or not at all) instead of standard output." };
        var command = new Command("convert", "Convert a policy between Pinset JSON, curl, HPKP, OkHttp, TrustKit and Android formats.") { file, to, host, outputFile };
        command.SetAction((parse, cancel) =>
        {
            var path = parse.GetValue(file)!;
            var warnings = new List<string>();
            var configuration = Read(path, parse.GetValue(host), output.Time.GetUtcNow(), warnings);
            warnings.AddRange(Validate(configuration));
            var format = parse.GetValue(to)!;
            var text = PolicyFormat.Write(format, configuration, output.Time.GetUtcNow(), warnings);
            if (parse.GetValue(outputFile) is { } target)
            {
                using var staged = StagedFile.Write(target, text);
                cancel.ThrowIfCancellationRequested();
                staged.Commit(overwrite: true);
            }

            if (parse.GetValue(json))
            {
                output.Out.WriteLine(JsonDocumentWriter.Write(w =>
                {
                    w.WriteStartObject();
                    w.WriteString("format", format);
                    w.WriteString("output", text);
                    w.WriteString("outputFile", parse.GetValue(outputFile));
                    JsonDocumentWriter.WriteStrings(w, "warnings", warnings);
                    w.WriteEndObject();
                }));
            }
            else
            {
                if (parse.GetValue(outputFile) is null)
                {
                    output.Out.Write(text);
                }

                warnings.ForEach(output.Warn);
            }

            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }

    private static PinningConfiguration Read(FileInfo file, string? host, DateTimeOffset now, List<string> warnings)
    {
        if (Directory.Exists(file.FullName))
        {
            throw new CliException(ExitCodes.BadInput, $"'{file}' is a directory; give a policy file.");
        }

        string text;
        try
        {
            text = File.ReadAllText(file.FullName);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliException(ExitCodes.BadInput, $"'{file}' cannot be read: {ex.Message}", ex);
        }

        var start = text.TrimStart();
        if (start.StartsWith('{'))
        {
            return PinningConfigurationJson.Parse(text, file.ToString());
        }

        if (start.StartsWith('<') && text.Contains("<network-security-config", StringComparison.Ordinal))
        {
            // What Android reads but Pinset cannot express (trust anchors, overridePins, unpinned domains...) is printed.
            return AndroidNetworkSecurityConfig.Read(text, file.ToString(), warnings, now);
        }

        if (start.StartsWith('<') && (text.Contains("TSKConfiguration", StringComparison.Ordinal) || text.Contains("TSKPinnedDomains", StringComparison.Ordinal)))
        {
            return TrustKitSettings.Read(text, file.ToString(), warnings);
        }

        if (start.Contains("pin-sha256", StringComparison.OrdinalIgnoreCase))
        {
            return host is null
                ? throw new CliException(ExitCodes.BadInput, $"'{file}' holds HPKP headers, which name no host; give --host HOST.")
                : HpkpHeader.Read(text, HostName.Normalize(host), now, warnings);
        }

        throw new CliException(ExitCodes.BadInput, $"'{file}' is not a JSON policy, an Android network_security_config.xml, TrustKit settings (a plist with TSKConfiguration) or HPKP header lines.");
    }

    /// <summary>
    /// Every rule of a policy holds but one: a policy that another ecosystem allowed with a single pin is converted
    /// (with a warning) rather than refused, since refusing would leave the user with nothing to fix it in.
    /// </summary>
    private static List<string> Validate(PinningConfiguration configuration)
    {
        PinningPolicy.Create(configuration with { Policies = [.. configuration.Policies.Select(p => p with { Mode = "report-only" })] });
        var warnings = new List<string>();
        for (int i = 0; i < configuration.Policies.Count; i++)
        {
            var policy = configuration.Policies[i];
            if (policy.Mode != "report-only" && policy.Pins.Concat(policy.Certificates).Distinct().Count() < 2)
            {
                warnings.Add($"pinning.policies[{i}] ('{string.Join("', '", policy.Hosts)}') is enforced with one pin; Pinset refuses to load it until a backup pin is added.");
            }
        }

        // The mode the document asked for is checked too: 'report-only' was substituted above only to waive the backup rule.
        foreach (var policy in configuration.Policies)
        {
            if (policy.Mode is not null and not "enforce" and not "report-only")
            {
                throw new PinningConfigurationException($"'mode' is '{policy.Mode}'; expected 'enforce' or 'report-only'.");
            }
        }

        return warnings;
    }
}
