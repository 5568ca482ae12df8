using System.Globalization;
using System.Xml.Linq;

namespace Pinset.Formats;

/// <summary>
/// Reads and writes Android's <c>network_security_config.xml</c> pin sets. Android pins public keys only (no certificate
/// pins, banned pins, report-only mode or report URIs) and knows two host forms: a name, and a name with all its
/// subdomains (<c>includeSubdomains="true"</c>, which is Pinset's <c>**.</c>). What cannot be said in Android's
/// terms is reported in the warnings, never dropped silently.
/// </summary>
internal static class AndroidNetworkSecurityConfig
{
    /// <summary>Writes the configuration; <paramref name="warnings"/> receives what Android cannot express.</summary>
    public static string Write(PinningConfiguration configuration, IList<string> warnings)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(warnings);
        var root = new XElement("network-security-config");
        var plan = DomainEntries.Of(configuration, "Android", warnings);
        for (int i = 0; i < configuration.Policies.Count; i++)
        {
            var policy = configuration.Policies[i];
            string where = $"pinning.policies[{i}]";
            var domains = new XElement("domain-config");
            foreach (var (name, subdomains) in plan[i])
            {
                var domain = new XElement("domain", name);
                if (subdomains)
                {
                    domain.SetAttributeValue("includeSubdomains", "true");
                }

                domains.Add(domain);
            }

            var pinSet = new XElement("pin-set");
            if (policy.Expires is not null)
            {
                var expiry = PolicyText.Expiry(policy)!.Value;
                pinSet.SetAttributeValue("expiration", expiry.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                if (expiry.UtcDateTime.TimeOfDay != TimeSpan.Zero)
                {
                    warnings.Add($"{where}: Android's expiration is a date; '{policy.Expires}' is written as {expiry.UtcDateTime:yyyy-MM-dd}, and Android ends the pins at the start of that day on the device's clock.");
                }
            }

            foreach (var pin in policy.Pins)
            {
                pinSet.Add(new XElement("pin", new XAttribute("digest", "SHA-256"), SpkiPin.Parse(pin).ToBase64()));
            }

            Warn(warnings, where, policy.Certificates, "certificate pins", "they are left out, so fewer pins remain");
            Warn(warnings, where, policy.BannedPins, "banned pins", "they are left out");
            Warn(warnings, where, policy.ReportUris, "report URIs", "they are left out");
            if (policy.Mode == PinningModeNames.ReportOnly)
            {
                warnings.Add($"{where}: Android has no report-only mode; the pin set it writes is enforced.");
            }

            domains.Add(pinSet);
            root.Add(domains);
        }

        var document = new XDocument(new XDeclaration("1.0", "utf-8", null), root);
        using var writer = new Utf8StringWriter();
        document.Save(writer);
        return writer + "\n";
    }

    /// <summary>
    /// Reads the pin sets of a <c>network_security_config.xml</c> as Android reads them, discarding the warnings; see
    /// <see cref="Read(string, string, IList{string}, DateTimeOffset)"/>.
    /// </summary>
    /// <exception cref="PinningConfigurationException">The text is not XML, Android refuses it, or it pins no domain.</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0027:API with optional parameter(s) should have the most parameters amongst its public overloads", Justification = "This overload shipped first and its callers (tests, the fuzz harness) use the default; the overloads that take warnings have no optional parameter, so no call is ambiguous.")]
    public static PinningConfiguration Read(string xml, string sourceName = "network_security_config.xml") => Read(xml, sourceName, new List<string>());

    /// <summary>
    /// Reads the pin sets of a <c>network_security_config.xml</c> as Android reads them, judging pin-set expirations
    /// against the current time; see <see cref="Read(string, string, IList{string}, DateTimeOffset)"/>.
    /// </summary>
    /// <exception cref="PinningConfigurationException">The text is not XML, Android refuses it, or it pins no domain.</exception>
    public static PinningConfiguration Read(string xml, string sourceName, IList<string> warnings) => Read(xml, sourceName, warnings, DateTimeOffset.UtcNow);

    /// <summary>
    /// Reads the pin sets of a <c>network_security_config.xml</c> the way Android's own reader does. Each
    /// <c>&lt;domain-config&gt;</c> whose effective <c>&lt;pin-set&gt;</c> (its own or its nearest parent's) has pins becomes
    /// one policy for its own domains (<c>includeSubdomains</c> becomes <c>**.</c>). Everything Android refuses is an error,
    /// all of them collected; everything Android reads that Pinset cannot express (trust anchors, <c>overridePins</c>,
    /// cleartext and HSTS settings, Certificate Transparency, debug overrides, unknown elements, domains Android leaves
    /// unpinned, pin-sets already expired at <paramref name="now"/>) is a sentence in <paramref name="warnings"/>, naming
    /// the line, the element and the domains.
    /// </summary>
    /// <param name="xml">The file's text.</param>
    /// <param name="sourceName">The name messages give the file.</param>
    /// <param name="warnings">Receives what Pinset cannot express or Android reads unexpectedly.</param>
    /// <param name="now">The time a pin-set's expiration is judged against.</param>
    /// <exception cref="PinningConfigurationException">
    /// The text is not XML, Android refuses it (all the reasons are listed), or it is valid but pins no domain (one message
    /// that says so and lists what was ignored).
    /// </exception>
    public static PinningConfiguration Read(string xml, string sourceName, IList<string> warnings, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(xml);
        ArgumentNullException.ThrowIfNull(sourceName);
        ArgumentNullException.ThrowIfNull(warnings);
        return new AndroidNscReader(sourceName, warnings, now).Read(xml);
    }

    private static void Warn(IList<string> warnings, string where, IReadOnlyList<string>? values, string what, string consequence)
    {
        if (values is { Count: > 0 })
        {
            warnings.Add($"{where}: Android cannot express {what} ({values.Count}); {consequence}.");
        }
    }

    private sealed class Utf8StringWriter : StringWriter
    {
        public Utf8StringWriter()
            : base(CultureInfo.InvariantCulture)
        {
        }

        public override System.Text.Encoding Encoding => System.Text.Encoding.UTF8;
    }
}
