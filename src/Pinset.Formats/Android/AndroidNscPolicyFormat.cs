namespace Pinset.Formats;

/// <summary>Android's network security config: what Android reads but Pinset cannot express (trust anchors, overridePins, unpinned domains) is a warning.</summary>
internal sealed class AndroidNscPolicyFormat : PolicyFormatBase
{
    public override string Name => "android-nsc";

    protected override string TargetName => "Android's network security config";

    public override bool Recognizes(string text) => PolicyFormats.Start(text).StartsWith('<') && text.Contains("<network-security-config", StringComparison.Ordinal);

    protected override PinningConfiguration ReadCore(string text, PolicyFormatContext context, List<string> warnings)
    {
        return AndroidNetworkSecurityConfig.Read(text, context.SourceName, warnings, context.Now);
    }

    protected override string WriteCore(PinningConfiguration configuration, PolicyFormatContext context, List<string> warnings)
    {
        FormatWarnings.Expired(configuration, context.Now, warnings, "Android");
        return AndroidNetworkSecurityConfig.Write(configuration, warnings);
    }
}
