namespace Pinset.Formats;

/// <summary>TrustKit's settings: an Info.plist dictionary with <c>TSKConfiguration</c> (or <c>TSKPinnedDomains</c>).</summary>
internal sealed class TrustKitPolicyFormat : IPolicyFormat
{
    public string Name => "trustkit";

    public bool CanRead => true;

    public bool Recognizes(string text) =>
        PolicyFormats.Start(text).StartsWith('<') && (text.Contains("TSKConfiguration", StringComparison.Ordinal) || text.Contains("TSKPinnedDomains", StringComparison.Ordinal));

    public PolicyFormatResult<PinningConfiguration> Read(string text, PolicyFormatContext context)
    {
        var warnings = new List<string>();
        return new(TrustKitSettings.Read(text, context.SourceName, warnings), warnings);
    }

    public PolicyFormatResult<string> Write(PinningConfiguration configuration, PolicyFormatContext context)
    {
        var warnings = new List<string>();
        FormatWarnings.RequirePinnedHosts(configuration, warnings, "TrustKit");
        return new(TrustKitSettings.Write(configuration, warnings), warnings);
    }
}
