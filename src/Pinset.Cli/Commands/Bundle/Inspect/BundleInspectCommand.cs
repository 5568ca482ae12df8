using System.CommandLine;

namespace Pinset.Cli;

/// <summary><c>pinset bundle inspect FILE</c>: the header and payload as they are, marked unverified.</summary>
internal static class BundleInspectCommand
{
    public static Command Create(CliConsole output, Option<bool> json)
    {
        var file = new Argument<string>("file") { Description = "The bundle ('-' reads standard input)." };
        ShellCompletion.OfFiles(file);
        var command = new Command("inspect", "Show a bundle's header and payload, UNVERIFIED: 'bundle verify' says whether to believe them.") { file };
        command.SetAction(async (parse, cancel) =>
        {
            var text = await BundleFiles.ReadBundleAsync(output, parse.GetValue(file)!, cancel).ConfigureAwait(false);
            PinBundleContent content;
            try
            {
                content = PinBundle.Inspect(text);
            }
            catch (PinBundleException ex)
            {
                throw new CliException(ExitCodes.BadInput, $"Not a pin bundle ({ex.Reason}): {ex.Message}", ex);
            }

            if (parse.GetValue(json))
            {
                output.Out.WriteLine(JsonDocumentWriter.Write(w =>
                {
                    w.WriteStartObject();
                    w.WriteBoolean("verified", false);
                    w.WritePropertyName("header");
                    w.WriteRawValue(content.HeaderJson);
                    w.WritePropertyName("payload");
                    w.WriteRawValue(content.PayloadJson);
                    w.WriteString("contentHash", content.ContentHash);
                    w.WriteEndObject();
                }));
                return ExitCodes.Success;
            }

            output.Out.WriteLine("UNVERIFIED: what the bundle says, not whether to believe it ('pinset bundle verify FILE --key NAME.pub' checks that).");
            output.Out.WriteLine($"header:  {content.HeaderJson}");
            output.Out.WriteLine($"version: {content.Version}   issued: {BundleVerifyCommand.Instant(content.IssuedAt)}   expires: {BundleVerifyCommand.Instant(content.Expires)}   signed by: {content.KeyId}");
            output.Out.Write(PinningConfigurationJsonWriter.Write(content.Configuration));
            return ExitCodes.Success;
        });
        return command;
    }
}
