using System.Globalization;
using System.Xml;
using System.Xml.Linq;

namespace Pinset;

/// <summary>
/// Reads and writes Android's <c>network_security_config.xml</c> pin sets. Android pins public keys only (no certificate
/// pins, banned pins, report-only mode or report URIs) and knows two host forms: a name, and a name with all its
/// subdomains (<c>includeSubdomains="true"</c>, which is Pinset's <c>**.</c>). What cannot be said in Android's
/// terms is reported in the warnings, never dropped silently.
/// </summary>
public static class AndroidNetworkSecurityConfig
{
    /// <summary>Writes the configuration; <paramref name="warnings"/> receives what Android cannot express.</summary>
    public static string Write(PinningConfiguration configuration, IList<string> warnings)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(warnings);
        var root = new XElement("network-security-config");
        for (int i = 0; i < configuration.Policies.Count; i++)
        {
            var policy = configuration.Policies[i];
            string where = $"pinning.policies[{i}]";
            var domains = new XElement("domain-config");
            foreach (var host in policy.Hosts)
            {
                var pattern = HostPattern.Parse(host);
                if (pattern.Kind == HostPatternKind.SingleLabelWildcard)
                {
                    warnings.Add($"{where}: Android has no one-label wildcard; '{host}' is written as '{pattern.Domain}' with includeSubdomains=\"true\", which also pins '{pattern.Domain}' and deeper names.");
                }

                var domain = new XElement("domain", pattern.Domain);
                if (pattern.Kind != HostPatternKind.Exact)
                {
                    domain.SetAttributeValue("includeSubdomains", "true");
                }

                domains.Add(domain);
            }

            var pinSet = new XElement("pin-set");
            if (policy.Expires is not null)
            {
                pinSet.SetAttributeValue("expiration", PolicyText.Expiry(policy)!.Value.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            }

            foreach (var pin in policy.Pins)
            {
                pinSet.Add(new XElement("pin", new XAttribute("digest", "SHA-256"), SpkiPin.Parse(pin).ToBase64()));
            }

            Warn(warnings, where, policy.Certificates, "certificate pins", "they are left out, so fewer pins remain");
            Warn(warnings, where, policy.BannedPins, "banned pins", "they are left out");
            Warn(warnings, where, policy.ReportUris, "report URIs", "they are left out");
            if (policy.Mode == "report-only")
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

    /// <summary>Reads the pin sets of a <c>network_security_config.xml</c>.</summary>
    /// <exception cref="PinningConfigurationException">The text is not XML, or not a network security config with pin sets.</exception>
    public static PinningConfiguration Read(string xml, string sourceName = "network_security_config.xml")
    {
        ArgumentNullException.ThrowIfNull(xml);
        XDocument document;
        try
        {
            using var reader = XmlReader.Create(new StringReader(xml), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
            document = XDocument.Load(reader);
        }
        catch (XmlException ex)
        {
            throw new PinningConfigurationException($"'{sourceName}' is not well-formed XML: {ex.Message}", ex);
        }

        if (document.Root?.Name.LocalName != "network-security-config")
        {
            throw new PinningConfigurationException($"'{sourceName}' has the root element '{document.Root?.Name.LocalName}'; expected 'network-security-config'.");
        }

        var errors = new List<string>();
        var policies = new List<PinPolicyConfiguration>();
        foreach (var config in document.Root.Descendants("domain-config"))
        {
            var pinSet = config.Element("pin-set");
            if (pinSet is null)
            {
                continue;
            }

            var hosts = config.Elements("domain")
                .Select(d => (string?)d.Attribute("includeSubdomains") == "true" ? "**." + d.Value.Trim() : d.Value.Trim())
                .ToList();
            var pins = new List<string>();
            foreach (var pin in pinSet.Elements("pin"))
            {
                var digest = (string?)pin.Attribute("digest");
                if (digest != "SHA-256")
                {
                    errors.Add($"'{sourceName}': pin '{pin.Value.Trim()}' has digest '{digest}'; only SHA-256 pins are supported.");
                    continue;
                }

                pins.Add(SpkiPin.Prefix + pin.Value.Trim());
            }

            policies.Add(new PinPolicyConfiguration { Hosts = hosts, Pins = pins, Expires = (string?)pinSet.Attribute("expiration") });
        }

        if (policies.Count == 0 && errors.Count == 0)
        {
            errors.Add($"'{sourceName}' has no <domain-config> with a <pin-set>; there is nothing to pin.");
        }

        return errors.Count == 0 ? new PinningConfiguration { Policies = policies } : throw new PinningConfigurationException(errors);
    }

    private static void Warn(IList<string> warnings, string where, IList<string>? values, string what, string consequence)
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
