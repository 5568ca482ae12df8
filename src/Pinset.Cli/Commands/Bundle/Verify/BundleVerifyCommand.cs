using System.CommandLine;
using System.Globalization;

namespace Pinset.Cli;

/// <summary>
/// <c>pinset bundle verify FILE --key NAME.pub [--key ...] [--min-version N]</c>: exit 0 when the bundle is valid now,
/// 1 when its signature, key, version or time is wrong (the message says which), 2 when a file cannot be read.
/// </summary>
internal static class BundleVerifyCommand
{
    public static Command Create(CliConsole output, Option<bool> json)
    {
        var file = new Argument<string>("file") { Description = "The bundle ('-' reads standard input)." };
        ShellCompletion.OfFiles(file);
        var keys = new Option<string[]>("--key") { HelpName = "FILE", Description = "A trusted public key (NAME.pub). Repeatable: any of them may have signed it.", Required = true };
        var minVersion = new Option<long?>("--min-version") { HelpName = "N", Description = "Refuse versions below N, as a client that has seen N does (anti-rollback)." };
        var command = new Command("verify", "Verify a bundle as a client would: signature, trusted key, version and time.") { file, keys, minVersion };
        command.SetAction(async (parse, cancel) =>
        {
            var trusted = new List<PinBundleKey>();
            foreach (var path in parse.GetValue(keys)!)
            {
                trusted.Add(await BundleFiles.ReadPublicKeyAsync(output, path, cancel).ConfigureAwait(false));
            }

            if (parse.GetValue(minVersion) is < 1 and var below)
            {
                throw new CliException(ExitCodes.BadInput, $"--min-version {below} is below 1; bundle versions start at 1.");
            }

            var text = await BundleFiles.ReadBundleAsync(output, parse.GetValue(file)!, cancel).ConfigureAwait(false);
            PinBundle bundle;
            try
            {
                bundle = PinBundle.Verify(text, trusted, output.Time.GetUtcNow());
            }
            catch (PinBundleException ex)
            {
                throw new CliException(ExitCodes.Refused, $"INVALID ({ex.Reason}): {ex.Message}", ex);
            }

            if (parse.GetValue(minVersion) is { } minimum && bundle.Version < minimum)
            {
                throw new CliException(ExitCodes.Refused, $"INVALID ({PinBundleRefusal.Rollback}): the bundle's version {bundle.Version} is below --min-version {minimum}; a client that has seen version {minimum} refuses it as a rollback.");
            }

            var hosts = bundle.Policy.Policies.SelectMany(p => p.Hosts).Select(h => h.ToString()).ToList();
            if (parse.GetValue(json))
            {
                output.Out.WriteLine(JsonDocumentWriter.Write(w =>
                {
                    w.WriteStartObject();
                    w.WriteBoolean("valid", true);
                    w.WriteNumber("version", bundle.Version);
                    w.WriteString("keyId", bundle.Content.KeyId.ToString());
                    w.WriteString("issuedAt", bundle.Content.IssuedAt);
                    w.WriteString("expires", bundle.Expires);
                    JsonDocumentWriter.WriteStrings(w, "hosts", hosts);
                    w.WriteEndObject();
                }));
            }
            else
            {
                output.Out.WriteLine($"VALID: version {bundle.Version}, signed by {bundle.Content.KeyId}, issued {Instant(bundle.Content.IssuedAt)}, expires {Instant(bundle.Expires)}; pins {string.Join(", ", hosts)}.");
            }

            return ExitCodes.Success;
        });
        return command;
    }

    internal static string Instant(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
