namespace Pinset.Formats;

/// <summary>HPKP headers (RFC 7469), one line per exact host; reading needs the host that served them.</summary>
internal sealed class HpkpPolicyFormat : PolicyFormatBase
{
    public override string Name => "hpkp";

    protected override string TargetName => "HPKP";

    public override bool Recognizes(string text) =>
        PolicyFormats.Start(text) is var start && !start.StartsWith('{') && !start.StartsWith('<') && start.Contains("pin-sha256", StringComparison.OrdinalIgnoreCase);

    protected override PinningConfiguration ReadCore(string text, PolicyFormatContext context, List<string> warnings)
    {
        var host = context.Host ?? throw new PinsetFormatException($"'{context.SourceName}' holds HPKP headers, which name no host; give the host that served them.");
        return HpkpHeader.Read(text, HostName.Normalize(host), context.Now, warnings);
    }

    protected override string WriteCore(PinningConfiguration configuration, PolicyFormatContext context, List<string> warnings)
    {
        return string.Join('\n', HpkpHeader.Write(configuration, context.Now, warnings)) + "\n";
    }
}
