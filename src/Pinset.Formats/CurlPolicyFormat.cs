namespace Pinset.Formats;

/// <summary>curl's <c>--pinnedpubkey</c>: only leaf pins can ever match; everything else is a warning.</summary>
internal sealed class CurlPolicyFormat : IPolicyFormat
{
    public string Name => "curl";

    public bool CanRead => false;

    public bool Recognizes(string text) => false;

    public PolicyFormatResult<PinningConfiguration> Read(string text, PolicyFormatContext context) =>
        throw new NotSupportedException("curl's --pinnedpubkey names keys, not hosts or policies; it cannot be read as a policy.");

    public PolicyFormatResult<string> Write(PinningConfiguration configuration, PolicyFormatContext context)
    {
        var warnings = new List<string>();
        FormatWarnings.RequirePinnedHosts(configuration, warnings, "curl's --pinnedpubkey");
        return new(EcosystemSnippets.Curl(configuration, warnings, context.LeafPins), warnings);
    }
}
