namespace Pinset.Cli;

/// <summary>The ecosystems' forms a policy is printed in, shared by <c>pin --format</c> and <c>convert --to</c>.</summary>
internal static class PolicyFormat
{
    public const string Json = "json";
    public const string Curl = "curl";
    public const string Hpkp = "hpkp";
    public const string OkHttp = "okhttp";
    public const string TrustKit = "trustkit";
    public const string AndroidNsc = "android-nsc";

    public static string[] All { get; } = [Json, Curl, Hpkp, OkHttp, TrustKit, AndroidNsc];

    /// <summary>The forms <c>convert</c> reads.</summary>
    public static string[] Readable { get; } = [Json, Hpkp, TrustKit, AndroidNsc];

    /// <summary>The configuration in <paramref name="format"/>; what the target cannot express goes to <paramref name="warnings"/>.</summary>
    /// <paramref name="leafPins"/> are pins known to be servers' own keys (for curl, which compares only those).
    public static string Write(string format, PinningConfiguration configuration, DateTimeOffset now, List<string> warnings, IReadOnlySet<SpkiPin>? leafPins = null) => format switch
    {
        Json => PinningConfigurationJsonWriter.Write(configuration),
        Curl => EcosystemSnippets.Curl(configuration, warnings, leafPins ?? new HashSet<SpkiPin>()),
        Hpkp => string.Join('\n', HpkpHeader.Write(configuration, now, warnings)) + "\n",
        OkHttp => EcosystemSnippets.OkHttp(configuration, warnings),
        TrustKit => TrustKitSettings.Write(configuration, warnings),
        AndroidNsc => AndroidNetworkSecurityConfig.Write(configuration, warnings),
        _ => throw new CliException(ExitCodes.BadInput, $"Format '{format}' is not one of {string.Join(", ", All)}."),
    };
}
