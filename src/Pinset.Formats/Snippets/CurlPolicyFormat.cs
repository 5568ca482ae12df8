namespace Pinset.Formats;

/// <summary>curl's <c>--pinnedpubkey</c>: only leaf pins can ever match; everything else is a warning.</summary>
internal sealed class CurlPolicyFormat : PolicyFormatBase
{
    public override string Name => "curl";

    protected override string TargetName => "curl's --pinnedpubkey";

    public override bool CanRead => false;

    public override bool Recognizes(string text) => false;

    protected override PinningConfiguration ReadCore(string text, PolicyFormatContext context, List<string> warnings) =>
        throw new NotSupportedException("curl's --pinnedpubkey names keys, not hosts or policies; it cannot be read as a policy.");

    protected override string WriteCore(PinningConfiguration configuration, PolicyFormatContext context, List<string> warnings)
    {
        return EcosystemSnippets.Curl(configuration, warnings, context.LeafPins);
    }
}
