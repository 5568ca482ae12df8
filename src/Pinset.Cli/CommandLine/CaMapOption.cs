using System.CommandLine;

namespace Pinset.Cli;

/// <summary>
/// <c>--ca-map FILE</c> of <c>check</c>, <c>pin</c> and <c>verify</c>: the map of CA operators to explain chains with,
/// instead of the one built into Pinset (a newer refresh, or a private PKI's, written by <c>eng/refresh-ca-map.sh</c>).
/// Either map more than 12 months old is a warning naming its date.
/// </summary>
internal static class CaMapOption
{
    public static Option<string?> Create() => new("--ca-map")
    {
        HelpName = "FILE",
        Description = "The map of CA operators to name chains with, instead of the built-in one (as eng/refresh-ca-map.sh writes it).",
    };

    /// <summary>The map the user named, or the built-in one; warns when it is outdated.</summary>
    public static async Task<CertificateAuthorityMap> ReadAsync(ParseResult parse, Option<string?> option, CliConsole output, CancellationToken cancel)
    {
        CertificateAuthorityMap map;
        if (parse.GetValue(option) is { } file)
        {
            var text = await output.Files.ReadTextAsync(file, "--ca-map a CA map", cancel).ConfigureAwait(false);
            try
            {
                map = CertificateAuthorityMap.Parse(text);
            }
            catch (PinsetFormatException ex)
            {
                throw new CliException(ExitCodes.BadInput, $"--ca-map '{InputFile.Display(file)}': {ex.Message}", ex);
            }
        }
        else
        {
            map = CertificateAuthorityMap.BuiltIn;
        }

        if (map.OutdatedWarning(output.Time.GetUtcNow()) is { } warning)
        {
            output.Warn(warning);
        }

        return map;
    }
}
