namespace Pinset.Formats;

/// <summary>Every format Pinset reads or writes, by name.</summary>
public static class PolicyFormats
{
    /// <summary>Pinset's own JSON policy document.</summary>
    public static IPolicyFormat Json { get; } = new JsonPolicyFormat();

    /// <summary>curl's <c>--pinnedpubkey</c> (write only; curl checks the leaf's key alone).</summary>
    public static IPolicyFormat Curl { get; } = new CurlPolicyFormat();

    /// <summary>HPKP headers (RFC 7469).</summary>
    public static IPolicyFormat Hpkp { get; } = new HpkpPolicyFormat();

    /// <summary>OkHttp's <c>CertificatePinner.Builder</c> code (write only).</summary>
    public static IPolicyFormat OkHttp { get; } = new OkHttpPolicyFormat();

    /// <summary>TrustKit's settings (an Info.plist <c>TSKConfiguration</c>).</summary>
    public static IPolicyFormat TrustKit { get; } = new TrustKitPolicyFormat();

    /// <summary>Android's network security config XML.</summary>
    public static IPolicyFormat AndroidNsc { get; } = new AndroidNscPolicyFormat();

    /// <summary>All of them, in the order they are listed to users.</summary>
    public static IReadOnlyList<IPolicyFormat> All { get; } = [Json, Curl, Hpkp, OkHttp, TrustKit, AndroidNsc];

    /// <summary>The format called <paramref name="name"/>, or null.</summary>
    public static IPolicyFormat? Find(string name) => All.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The readable format <paramref name="text"/> looks like, or null.</summary>
    public static IPolicyFormat? Recognize(string text) => All.FirstOrDefault(f => f.CanRead && f.Recognizes(text));

    /// <summary>The text without leading white space or a byte order mark, for recognising a format by how it starts.</summary>
    internal static string Start(string text) => text.TrimStart().TrimStart('\uFEFF').TrimStart();
}
