using System.CommandLine;
using Pinset.Formats;

namespace Pinset.Cli;

/// <summary><c>pinset convert</c>: one policy, every ecosystem's form.</summary>
internal static class ConvertCommand
{
    public static Command Create(CliConsole output, Option<bool> json)
    {
        var file = new Argument<string>("file") { Description = "A JSON policy, an Android network_security_config.xml, TrustKit settings (Info.plist XML), or HPKP header lines ('-' reads standard input)." };
        ShellCompletion.OfFiles(file);
        var to = new Option<string>("--to") { Description = "The form to write.", Required = true };
        to.AcceptOnlyFromAmong(PolicyFormat.All);
        var from = new Option<string?>("--from") { Description = "The form of the file, when it should not be recognised from its content." };
        from.AcceptOnlyFromAmong(PolicyFormat.Readable);
        var host = new Option<string?>("--host") { HelpName = "HOST", Description = "The host an HPKP header was served by (required to read one)." };
        var outputFile = new Option<string?>("--output", "-o") { HelpName = "FILE", Description = "Write the converted policy to FILE (whole, or not at all) instead of standard output." };
        var command = new Command("convert", "Convert a policy between Pinset JSON, curl, HPKP, OkHttp, TrustKit and Android formats.") { file, from, to, host, outputFile };
        command.SetAction(async (parse, cancel) =>
        {
            var path = parse.GetValue(file)!;
            var warnings = new List<string>();
            var text = await output.Files.ReadTextAsync(path, "a policy file", cancel).ConfigureAwait(false);
            var configuration = Read(text, InputFile.Display(path), parse.GetValue(from), parse.GetValue(host), output.Time.GetUtcNow(), warnings);
            var format = parse.GetValue(to)!;
            var converted = PolicyFormat.Write(format, configuration, output.Time.GetUtcNow(), warnings);

            // The reader and the writer may say the same thing (a missing backup pin, a policy already expired): once is enough.
            warnings = [.. warnings.Distinct(StringComparer.Ordinal)];
            if (parse.GetValue(outputFile) is { } target)
            {
                using var staged = StagedFile.Write(target, converted);
                cancel.ThrowIfCancellationRequested();
                staged.Commit(overwrite: true);
            }

            if (parse.GetValue(json))
            {
                output.Out.WriteLine(JsonDocumentWriter.Write(w =>
                {
                    w.WriteStartObject();
                    w.WriteString("format", format);
                    w.WriteString("output", converted);
                    w.WriteString("outputFile", parse.GetValue(outputFile));
                    JsonDocumentWriter.WriteStrings(w, "warnings", warnings);
                    w.WriteEndObject();
                }));
            }
            else
            {
                if (parse.GetValue(outputFile) is null)
                {
                    output.Out.Write(converted);
                }

                warnings.ForEach(output.Warn);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static PinningConfiguration Read(string text, string file, string? from, string? host, DateTimeOffset now, List<string> warnings)
    {
        var format = from is null ? PolicyFormats.Recognize(text) : PolicyFormats.Find(from);
        if (format is null)
        {
            throw new CliException(ExitCodes.BadInput, $"'{file}' is not a JSON policy, an Android network_security_config.xml, TrustKit settings (a plist with TSKConfiguration) or HPKP header lines; if it is one of them, say which with --from.");
        }

        if (format == PolicyFormats.Hpkp && host is null)
        {
            throw new CliException(ExitCodes.BadInput, $"'{file}' holds HPKP headers, which name no host; give --host HOST.");
        }

        // What the source says that Pinset cannot express (Android's trust anchors, overridePins...) is printed, and so is
        // a missing backup pin: the policy is converted rather than refused, so the user has something to add it to.
        var read = format.Read(text, new PolicyFormatContext { SourceName = file, Now = now, Host = host });
        warnings.AddRange(read.Warnings);
        return read.Value;
    }
}
