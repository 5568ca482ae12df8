using System.Text;

namespace Pinset.Formats;

/// <summary>
/// Writes a configuration in the forms other pinning libraries take: curl's <c>--pinnedpubkey</c> string and an OkHttp
/// <c>CertificatePinner</c> (Kotlin); TrustKit's settings are <see cref="TrustKitSettings"/>. What a target cannot
/// express is added to the warnings.
/// </summary>
internal static class EcosystemSnippets
{
    /// <summary>
    /// curl's <c>sha256//a;sha256//b</c>, one line per policy; with several policies each line follows a <c># hosts</c>
    /// comment. curl pins only the server's own key and has no hosts, expiry, report-only mode, report URIs, banned or
    /// certificate pins: each of these that the policy has is a warning. A policy file does not say which pins are a
    /// leaf's key, so every pin is named in a warning: a CA key's pin never matches under curl.
    /// </summary>
    public static string Curl(PinningConfiguration configuration, IList<string> warnings) => Curl(configuration, warnings, new HashSet<SpkiPin>());

    /// <summary>
    /// As <see cref="Curl(PinningConfiguration, IList{string})"/>, where the pins in <paramref name="leafPins"/> are known to
    /// be servers' own (leaf) keys: only the other pins are named in the warning that a CA key's pin never matches.
    /// </summary>
    public static string Curl(PinningConfiguration configuration, IList<string> warnings, IReadOnlySet<SpkiPin> leafPins)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(warnings);
        ArgumentNullException.ThrowIfNull(leafPins);
        var text = new StringBuilder();
        for (int i = 0; i < configuration.Policies.Count; i++)
        {
            var policy = configuration.Policies[i];
            string where = $"pinning.policies[{i}]";
            if (configuration.Policies.Count > 1)
            {
                text.Append("# ").AppendJoin(", ", policy.Hosts).Append('\n');
            }

            var pins = PolicyText.Pins(policy).ToList();
            text.AppendJoin(';', pins.Select(p => p.ToCurlString())).Append('\n');
            var unknown = pins.Where(p => !leafPins.Contains(p)).Select(p => p.ToString()).ToList();
            if (unknown.Count > 0)
            {
                warnings.Add($"{where}: curl's --pinnedpubkey compares only the server's own (leaf) key, so a CA key's pin never matches under curl; "
                    + $"{(unknown.Count == 1 ? "this pin is" : "these pins are")} not known to be a leaf's key: {string.Join(", ", unknown)}. "
                    + "Give curl the leaf's pins ('pinset pin HOST --format curl' prints them).");
            }

            warnings.Add($"{where}: curl's pins apply to whatever host the command names; use them only with '{string.Join("', '", policy.Hosts)}'.");
            if (policy.Expires is not null)
            {
                warnings.Add($"{where}: curl has no expiry; the pins are enforced after {policy.Expires} too.");
            }

            if (policy.Mode == PinningModeNames.ReportOnly)
            {
                warnings.Add($"{where}: curl has no report-only mode; the pins are enforced.");
            }

            if (policy.ReportUris.Count > 0)
            {
                warnings.Add($"{where}: curl sends no reports; {Plural.Count(policy.ReportUris.Count, "report URI")} {(policy.ReportUris.Count == 1 ? "is" : "are")} left out.");
            }

            if (policy.Certificates.Count > 0)
            {
                warnings.Add($"{where}: curl has no certificate pins; {policy.Certificates.Count} are left out, so fewer pins remain.");
            }

            if (policy.BannedPins.Count > 0)
            {
                warnings.Add($"{where}: curl has no banned pins; {policy.BannedPins.Count} are left out, so those keys are no longer refused.");
            }
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

    private static void Unsupported(IList<string> warnings, int index, HostPolicyConfiguration policy, string target, bool expiryAndMode)
    {
        if (policy.Certificates.Count > 0 || policy.BannedPins.Count > 0)
        {
            warnings.Add($"pinning.policies[{index}]: {target} has no certificate or banned pins; they are left out.");
        }

        if (expiryAndMode && (policy.Expires is not null || policy.Mode == PinningModeNames.ReportOnly || policy.ReportUris.Count > 0))
        {
            warnings.Add($"pinning.policies[{index}]: {target}'s CertificatePinner has no expiry, report-only mode or report URIs; they are left out, so the pins are always enforced.");
        }
    }
}
