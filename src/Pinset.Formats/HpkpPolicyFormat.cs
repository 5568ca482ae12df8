namespace Pinset.Formats;

/// <summary>HPKP headers (RFC 7469), one line per exact host; reading needs the host that served them.</summary>
internal sealed class HpkpPolicyFormat : IPolicyFormat
{
    public string Name => "hpkp";

    public bool CanRead => true;

    public bool Recognizes(string text) =>
        PolicyFormats.Start(text) is var start && !start.StartsWith('{') && !start.StartsWith('<') && start.Contains("pin-sha256", StringComparison.OrdinalIgnoreCase);

    public PolicyFormatResult<PinningConfiguration> Read(string text, PolicyFormatContext context)
    {
        var host = context.Host ?? throw new PinsetFormatException($"'{context.SourceName}' holds HPKP headers, which name no host; give the host that served them.");
        var warnings = new List<string>();
        return new(HpkpHeader.Read(text, HostName.Normalize(host), context.Now, warnings), warnings);
    }

    public PolicyFormatResult<string> Write(PinningConfiguration configuration, PolicyFormatContext context)
    {
        var warnings = new List<string>();
        FormatWarnings.RequirePinnedHosts(configuration, warnings, "HPKP");
        return new(string.Join('\n', HpkpHeader.Write(configuration, context.Now, warnings)) + "\n", warnings);
    }
}
