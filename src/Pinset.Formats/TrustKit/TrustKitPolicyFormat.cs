namespace Pinset.Formats;

/// <summary>TrustKit's settings: an Info.plist dictionary with <c>TSKConfiguration</c> (or <c>TSKPinnedDomains</c>).</summary>
internal sealed class TrustKitPolicyFormat : PolicyFormatBase
{
    public override string Name => "trustkit";

    protected override string TargetName => "TrustKit";

    public override bool Recognizes(string text) =>
        PolicyFormats.Start(text).StartsWith('<') && (text.Contains("TSKConfiguration", StringComparison.Ordinal) || text.Contains("TSKPinnedDomains", StringComparison.Ordinal));

    protected override PinningConfiguration ReadCore(string text, PolicyFormatContext context, List<string> warnings)
    {
        var configuration = TrustKitSettings.Read(text, context.SourceName, warnings);
        FormatWarnings.Expired(configuration, context.Now, warnings, "TrustKit");
        return configuration;
    }

    protected override string WriteCore(PinningConfiguration configuration, PolicyFormatContext context, List<string> warnings)
    {
        FormatWarnings.Expired(configuration, context.Now, warnings, "TrustKit");
        return TrustKitSettings.Write(configuration, warnings);
    }
}
