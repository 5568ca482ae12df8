namespace Pinset.Formats;

/// <summary>OkHttp's <c>CertificatePinner.Builder</c> code: expiry, modes and report URIs are warnings.</summary>
internal sealed class OkHttpPolicyFormat : IPolicyFormat
{
    public string Name => "okhttp";

    public bool CanRead => false;

    public bool Recognizes(string text) => false;

    public PolicyFormatResult<PinningConfiguration> Read(string text, PolicyFormatContext context) =>
        throw new NotSupportedException("OkHttp's CertificatePinner is Kotlin or Java code; it cannot be read as a policy.");

    public PolicyFormatResult<string> Write(PinningConfiguration configuration, PolicyFormatContext context)
    {
        var warnings = new List<string>();
        FormatWarnings.RequirePinnedHosts(configuration, warnings, "OkHttp's CertificatePinner");
        return new(EcosystemSnippets.OkHttp(configuration, warnings), warnings);
    }
}
