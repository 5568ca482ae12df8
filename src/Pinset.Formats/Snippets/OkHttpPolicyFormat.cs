namespace Pinset.Formats;

/// <summary>OkHttp's <c>CertificatePinner.Builder</c> code: expiry, modes and report URIs are warnings.</summary>
internal sealed class OkHttpPolicyFormat : PolicyFormatBase
{
    public override string Name => "okhttp";

    protected override string TargetName => "OkHttp's CertificatePinner";

    public override bool CanRead => false;

    public override bool Recognizes(string text) => false;

    protected override PinningConfiguration ReadCore(string text, PolicyFormatContext context, List<string> warnings) =>
        throw new NotSupportedException("OkHttp's CertificatePinner is Kotlin or Java code; it cannot be read as a policy.");

    protected override string WriteCore(PinningConfiguration configuration, PolicyFormatContext context, List<string> warnings)
    {
        return EcosystemSnippets.OkHttp(configuration, warnings);
    }
}
