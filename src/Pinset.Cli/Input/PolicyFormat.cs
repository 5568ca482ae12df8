using Pinset.Formats;

namespace Pinset.Cli;

/// <summary>The formats of Pinset.Formats by the names the CLI takes, shared by <c>pin --format</c> and <c>convert</c>.</summary>
internal static class PolicyFormat
{
    public static readonly string Json = PolicyFormats.Json.Name;
    public static readonly string Curl = PolicyFormats.Curl.Name;

    public static string[] All { get; } = [.. PolicyFormats.All.Select(f => f.Name)];

    /// <summary>The formats <c>convert</c> reads.</summary>
    public static string[] Readable { get; } = [.. PolicyFormats.All.Where(f => f.CanRead).Select(f => f.Name)];

    /// <summary>The configuration in <paramref name="format"/>; what the target cannot express goes to <paramref name="warnings"/>.</summary>
    /// <paramref name="leafPins"/> are pins known to be servers' own keys (for curl, which compares only those).
    /// With <paramref name="ownBackupWarning"/>, the caller says itself that a policy lacks a backup pin.
    public static string Write(string format, PinningConfiguration configuration, DateTimeOffset now, List<string> warnings, IReadOnlySet<SpkiPin>? leafPins = null, bool ownBackupWarning = false)
    {
        var target = PolicyFormats.Find(format) ?? throw new CliException(ExitCodes.BadInput, $"Format '{format}' is not one of {string.Join(", ", All)}.");
        var written = target.Write(configuration, new PolicyFormatContext { Now = now, LeafPins = leafPins ?? new HashSet<SpkiPin>(), WarnOfMissingBackupPin = !ownBackupWarning });
        warnings.AddRange(written.Warnings);
        return written.Value;
    }
}
