using System.Globalization;
using System.Text;
using System.Xml.Linq;

namespace Pinset;

/// <summary>
/// Writes a configuration in the forms other pinning libraries take: curl's <c>--pinnedpubkey</c> string, an OkHttp
/// <c>CertificatePinner</c> (Kotlin), and a TrustKit <c>TSKConfiguration</c> (Info.plist XML). What a target cannot
/// express is added to the warnings.
/// </summary>
public static class EcosystemSnippets
{
    /// <summary>curl's <c>sha256//a;sha256//b</c>, one line per policy; with several policies each line follows a <c># hosts</c> comment.</summary>
    public static string Curl(PinningConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var text = new StringBuilder();
        foreach (var policy in configuration.Policies)
        {
            if (configuration.Policies.Count > 1)
            {
                text.Append("# ").AppendJoin(", ", policy.Hosts).Append('\n');
            }

            text.AppendJoin(';', PolicyText.Pins(policy).Select(p => p.ToCurlString())).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>An OkHttp <c>CertificatePinner.Builder()</c> in Kotlin; OkHttp's <c>*.</c> and <c>**.</c> mean what Pinset's do.</summary>
    public static string OkHttp(PinningConfiguration configuration, IList<string> warnings)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(warnings);
        var text = new StringBuilder("val certificatePinner = CertificatePinner.Builder()\n");
        for (int i = 0; i < configuration.Policies.Count; i++)
        {
            var policy = configuration.Policies[i];
            var pins = string.Join(", ", PolicyText.Pins(policy).Select(p => $"\"{p}\""));
            foreach (var host in PolicyText.Hosts(policy))
            {
                text.Append("    .add(\"").Append(host).Append("\", ").Append(pins).Append(")\n");
            }

            Unsupported(warnings, i, policy, "OkHttp", expiryAndMode: true);
        }

        return text.Append("    .build()\n").ToString();
    }

    /// <summary>TrustKit's configuration as Info.plist XML under <c>TSKConfiguration</c>.</summary>
    public static string TrustKit(PinningConfiguration configuration, IList<string> warnings)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(warnings);
        var domains = new XElement("dict");
        for (int i = 0; i < configuration.Policies.Count; i++)
        {
            var policy = configuration.Policies[i];
            foreach (var host in PolicyText.Hosts(policy))
            {
                if (host.Kind == HostPatternKind.SingleLabelWildcard)
                {
                    warnings.Add($"pinning.policies[{i}]: TrustKit has no one-label wildcard; '{host}' is written as '{host.Domain}' with TSKIncludeSubdomains, which also pins '{host.Domain}' and deeper names.");
                }

                var entry = new XElement("dict",
                    Key("TSKEnforcePinning"), new XElement(policy.Mode == "report-only" ? "false" : "true"),
                    Key("TSKIncludeSubdomains"), new XElement(host.Kind == HostPatternKind.Exact ? "false" : "true"),
                    Key("TSKPublicKeyHashes"), new XElement("array", PolicyText.Pins(policy).Select(p => new XElement("string", p.ToBase64()))));
                if (PolicyText.Expiry(policy) is { } expires)
                {
                    entry.Add(Key("TSKExpirationDate"), new XElement("string", expires.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
                }

                if (policy.ReportUris.Count > 0)
                {
                    entry.Add(Key("TSKReportUris"), new XElement("array", policy.ReportUris.Select(u => new XElement("string", u))));
                }

                domains.Add(Key(host.Domain), entry);
            }

            Unsupported(warnings, i, policy, "TrustKit", expiryAndMode: false);
        }

        var plist = new XElement("dict", Key("TSKConfiguration"), new XElement("dict",
            Key("TSKSwizzleNetworkDelegates"), new XElement("false"),
            Key("TSKPinnedDomains"), domains));
        return plist + "\n";
    }

    private static XElement Key(string name) => new("key", name);

    private static void Unsupported(IList<string> warnings, int index, PinPolicyConfiguration policy, string target, bool expiryAndMode)
    {
        if (policy.Certificates.Count > 0 || policy.BannedPins.Count > 0)
        {
            warnings.Add($"pinning.policies[{index}]: {target} has no certificate or banned pins; they are left out.");
        }

        if (expiryAndMode && (policy.Expires is not null || policy.Mode == "report-only" || policy.ReportUris.Count > 0))
        {
            warnings.Add($"pinning.policies[{index}]: {target}'s CertificatePinner has no expiry, report-only mode or report URIs; they are left out, so the pins are always enforced.");
        }
    }
}
