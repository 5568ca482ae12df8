namespace Pinset.Formats;

/// <summary>Android's network security config: what Android reads but Pinset cannot express (trust anchors, overridePins, unpinned domains) is a warning.</summary>
internal sealed class AndroidNscPolicyFormat : IPolicyFormat
{
    public string Name => "android-nsc";

    public bool CanRead => true;

    public bool Recognizes(string text) => PolicyFormats.Start(text).StartsWith('<') && text.Contains("<network-security-config", StringComparison.Ordinal);

    public PolicyFormatResult<PinningConfiguration> Read(string text, PolicyFormatContext context)
    {
        var warnings = new List<string>();
        return new(AndroidNetworkSecurityConfig.Read(text, context.SourceName, warnings, context.Now), warnings);
    }

    public PolicyFormatResult<string> Write(PinningConfiguration configuration, PolicyFormatContext context)
    {
        var warnings = new List<string>();
        FormatWarnings.RequirePinnedHosts(configuration, warnings, "Android's network security config");
        return new(AndroidNetworkSecurityConfig.Write(configuration, warnings), warnings);
    }
}
