using System.Globalization;
using System.Xml;
using System.Xml.Linq;

namespace Pinset.Formats;

/// <summary>
/// Reads and writes TrustKit's settings (iOS and macOS): the <c>TSKConfiguration</c> dictionary of an Info.plist, in
/// Apple's XML property-list form. Each pinned domain takes <c>TSKPublicKeyHashes</c> (base64 SHA-256 of the public
/// key, Pinset's pins), <c>TSKIncludeSubdomains</c> (Pinset's <c>**.</c>), <c>TSKEnforcePinning</c> (false is
/// report-only), <c>TSKReportUris</c> and <c>TSKExpirationDate</c>. What one side cannot express is a warning.
/// </summary>
internal static class TrustKitSettings
{
    /// <summary>The settings as plist XML, a <c>TSKConfiguration</c> dictionary to put in an Info.plist.</summary>
    public static string Write(PinningConfiguration configuration, IList<string> warnings)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(warnings);
        var domains = new XElement("dict");
        var plan = DomainEntries.Of(configuration, "TrustKit", warnings);
        for (int i = 0; i < configuration.Policies.Count; i++)
        {
            var policy = configuration.Policies[i];
            string where = $"pinning.policies[{i}]";
            var pins = PolicyText.Pins(policy).ToList();
            if (pins.Count < 2)
            {
                warnings.Add($"{where}: TrustKit refuses a domain with fewer than two pins, and this policy has {pins.Count}; add a backup pin ('pinset backup-key' makes one) before you ship it.");
            }

            foreach (var (domain, subdomains) in plan[i])
            {
                var entry = new XElement("dict",
                    Key("TSKEnforcePinning"), new XElement(policy.Mode == PinningModeNames.ReportOnly ? "false" : "true"),
                    Key("TSKIncludeSubdomains"), new XElement(subdomains ? "true" : "false"),
                    Key("TSKPublicKeyHashes"), new XElement("array", pins.Select(p => new XElement("string", p.ToBase64()))));
                if (PolicyText.Expiry(policy) is { } expires)
                {
                    entry.Add(Key("TSKExpirationDate"), new XElement("string", expires.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
                }

                if (policy.ReportUris.Count > 0)
                {
                    entry.Add(Key("TSKReportUris"), new XElement("array", policy.ReportUris.Select(u => new XElement("string", u))));
                }

                domains.Add(Key(domain), entry);
            }

            if (policy.Certificates.Count > 0)
            {
                warnings.Add($"{where}: TrustKit has no certificate pins; {policy.Certificates.Count} are left out, so fewer pins remain.");
            }

            if (policy.BannedPins.Count > 0)
            {
                warnings.Add($"{where}: TrustKit has no banned pins; {policy.BannedPins.Count} are left out, so those keys are no longer refused.");
            }

            if (PolicyText.Expiry(policy) is { } time && time.TimeOfDay != TimeSpan.Zero)
            {
                warnings.Add($"{where}: TrustKit's expiration is a date; '{policy.Expires}' is written as {time.UtcDateTime:yyyy-MM-dd}.");
            }
        }

        var plist = new XElement("dict", Key("TSKConfiguration"), new XElement("dict",
            Key("TSKSwizzleNetworkDelegates"), new XElement("false"),
            Key("TSKPinnedDomains"), domains));
        return plist + "\n";
    }

    /// <summary>
    /// Reads the pinned domains of a TrustKit configuration: a whole Info.plist, a <c>&lt;dict&gt;</c> holding
    /// <c>TSKConfiguration</c>, or the <c>TSKConfiguration</c> dictionary itself. One policy per domain.
    /// </summary>
    /// <exception cref="PinningConfigurationException">The text is not a property list with TrustKit settings, or a value is not what TrustKit takes.</exception>
    public static PinningConfiguration Read(string plist, string sourceName, IList<string> warnings)
    {
        ArgumentNullException.ThrowIfNull(plist);
        ArgumentNullException.ThrowIfNull(warnings);
        // Info.plist files name Apple's DTD; it is skipped, never fetched.
        var document = XmlInput.Load(plist, sourceName, DtdProcessing.Ignore, "TrustKit settings");

        var top = document.Root?.Name.LocalName == "plist" ? document.Root.Element("dict") : document.Root;
        if (top?.Name.LocalName != "dict")
        {
            throw new PinningConfigurationException($"'{sourceName}' is not a property list with a <dict>; expected TrustKit's TSKConfiguration.");
        }

        var errors = new List<string>();
        var settings = Entries(top, sourceName, errors);
        var configuration = Find(settings, "TSKConfiguration") is { } found ? Dict(found, "TSKConfiguration", sourceName, errors) : settings;
        var domains = Find(configuration, "TSKPinnedDomains");
        if (domains is null)
        {
            throw new PinningConfigurationException($"'{sourceName}' has no TSKConfiguration with TSKPinnedDomains; there is nothing to pin.");
        }

        foreach (var (key, value) in configuration)
        {
            switch (key)
            {
                case "TSKPinnedDomains" or "TSKSwizzleNetworkDelegates":
                    break;
                case "TSKIgnorePinningForUserDefinedTrustAnchors" when Bool(value, key, sourceName, errors, true):
                    warnings.Add($"'{sourceName}' line {Line(value)}: TSKIgnorePinningForUserDefinedTrustAnchors is true: TrustKit on macOS skips pinning for chains to a CA the user installed, so that app is NOT pinned against such an interceptor; the converted policy pins those chains too.");
                    break;
                case "TSKIgnorePinningForUserDefinedTrustAnchors":
                    break;
                default:
                    warnings.Add($"'{sourceName}' line {Line(value)}: TSKConfiguration's '{key}' is not a setting Pinset reads; it is ignored.");
                    break;
            }
        }

        var policies = new List<HostPolicyConfiguration>();
        foreach (var (domain, entry) in Dict(domains, "TSKPinnedDomains", sourceName, errors))
        {
            if (ReadDomain(domain, Dict(entry, domain, sourceName, errors), entry, sourceName, warnings, errors) is { } policy)
            {
                policies.Add(policy);
            }
        }

        if (policies.Count == 0 && errors.Count == 0)
        {
            errors.Add($"'{sourceName}' is valid TrustKit settings but pins no domain: TSKPinnedDomains is empty.");
        }

        return errors.Count == 0 ? new PinningConfiguration { Policies = policies } : throw new PinningConfigurationException(errors);
    }

    private static HostPolicyConfiguration? ReadDomain(string domain, List<(string Key, XElement Value)> entry, XElement at, string source, IList<string> warnings, List<string> errors)
    {
        string where = $"'{source}' line {Line(at)}: domain '{domain}'";
        var pins = new List<string>();
        var reportUris = new List<string>();
        bool subdomains = false, enforce = true;
        string? expires = null;
        int before = errors.Count;
        foreach (var (key, value) in entry)
        {
            switch (key)
            {
                case "TSKPublicKeyHashes":
                    foreach (var hash in Strings(value, $"{domain}'s {key}", source, errors))
                    {
                        if (SpkiPin.TryParse(SpkiPin.Prefix + hash.Trim(), out var pin, out var message))
                        {
                            pins.Add(pin.ToString());
                        }
                        else
                        {
                            errors.Add($"{where}: TSKPublicKeyHashes holds '{hash}', which is not a base64 SHA-256 hash: {message}");
                        }
                    }

                    break;
                case "TSKIncludeSubdomains":
                    subdomains = Bool(value, key, source, errors, false);
                    break;
                case "TSKEnforcePinning":
                    enforce = Bool(value, key, source, errors, true);
                    break;
                case "TSKReportUris":
                    reportUris.AddRange(Strings(value, $"{domain}'s {key}", source, errors));
                    break;
                case "TSKExpirationDate":
                    expires = Strings([value], $"{domain}'s {key}", source, errors).FirstOrDefault();
                    if (expires is not null && !Iso8601.TryParse(expires, out _))
                    {
                        errors.Add($"{where}: TSKExpirationDate is '{expires}'; TrustKit takes a date such as '2027-06-30'.");
                    }

                    break;
                case "TSKExcludeSubdomainFromParentPolicy" when Bool(value, key, source, errors, false):
                    warnings.Add($"{where}: TSKExcludeSubdomainFromParentPolicy is true, so TrustKit does NOT pin this domain although a parent domain's policy includes subdomains; Pinset cannot exclude a name from a '**.' pattern, so the converted policy pins it under the parent's pins. Remove the parent's includeSubdomains, or accept the stricter policy.");
                    return null;
                case "TSKExcludeSubdomainFromParentPolicy":
                    break;
                case "TSKDisableDefaultReportUri":
                    warnings.Add($"{where}: TSKDisableDefaultReportUri concerns TrustKit's own report server, which Pinset never reports to; it is ignored.");
                    break;
                case "TSKPublicKeyAlgorithms":
                    warnings.Add($"{where}: TSKPublicKeyAlgorithms is a setting of old TrustKit versions; Pinset pins the hash of the whole public key of any algorithm, so it is ignored.");
                    break;
                default:
                    warnings.Add($"{where}: '{key}' is not a domain setting Pinset reads; it is ignored.");
                    break;
            }
        }

        if (pins.Count == 0 && errors.Count == before)
        {
            errors.Add($"{where} has no TSKPublicKeyHashes; TrustKit refuses a pinned domain without pins.");
        }
        else if (pins.Count == 1)
        {
            warnings.Add($"{where} has one pin; TrustKit refuses a domain with fewer than two.");
        }

        if (!enforce)
        {
            warnings.Add($"{where}: TSKEnforcePinning is false, so TrustKit only reports mismatches; the converted policy is report-only.");
        }

        return errors.Count == before
            ? new HostPolicyConfiguration { Hosts = [subdomains ? "**." + domain.Trim() : domain.Trim()], Pins = pins, Mode = enforce ? null : PinningModeNames.ReportOnly, Expires = expires, ReportUris = reportUris }
            : null;
    }

    private static XElement Key(string name) => new("key", name);

    /// <summary>A dict's entries in order: each <c>&lt;key&gt;</c> and the element after it.</summary>
    private static List<(string Key, XElement Value)> Entries(XElement dict, string source, List<string> errors)
    {
        var entries = new List<(string, XElement)>();
        var children = dict.Elements().ToList();
        for (int i = 0; i < children.Count; i++)
        {
            if (children[i].Name.LocalName != "key" || i + 1 >= children.Count)
            {
                errors.Add($"'{source}' line {Line(children[i])}: a <dict> holds <{children[i].Name.LocalName}> where a <key> and its value were expected.");
                return entries;
            }

            var key = children[i].Value;
            // Keys of one dict are unique; domains are host names, so they compare ignoring case. A repeat would leave
            // to chance which of the two TrustKit uses.
            var comparison = dict.Parent?.Elements().Any(e => e.Name.LocalName == "key" && e.Value == "TSKPinnedDomains" && e.ElementsAfterSelf().FirstOrDefault() == dict) == true
                ? StringComparison.OrdinalIgnoreCase
                : StringComparison.Ordinal;
            if (entries.FindIndex(e => string.Equals(e.Item1, key, comparison)) is var first and >= 0)
            {
                errors.Add($"'{source}' line {Line(children[i])}: the key '{key}' is given twice in one <dict> (first as '{entries[first].Item1}' at line {Line(entries[first].Item2.ElementsBeforeSelf().Last())}); keep one, as which of the two TrustKit would use is not for Pinset to guess.");
            }

            entries.Add((key, children[++i]));
        }

        return entries;
    }

    private static List<(string Key, XElement Value)> Dict(XElement value, string what, string source, List<string> errors)
    {
        if (value.Name.LocalName == "dict")
        {
            return Entries(value, source, errors);
        }

        errors.Add($"'{source}' line {Line(value)}: '{what}' is a <{value.Name.LocalName}>; expected a <dict>.");
        return [];
    }

    private static XElement? Find(List<(string Key, XElement Value)> entries, string key) => entries.FirstOrDefault(e => e.Key == key).Value;

    private static bool Bool(XElement value, string key, string source, List<string> errors, bool fallback)
    {
        switch (value.Name.LocalName)
        {
            case "true":
                return true;
            case "false":
                return false;
            default:
                errors.Add($"'{source}' line {Line(value)}: '{key}' is a <{value.Name.LocalName}>; expected <true/> or <false/>.");
                return fallback;
        }
    }

    /// <summary>The strings of an array, or of a single string element.</summary>
    private static List<string> Strings(IEnumerable<XElement> values, string what, string source, List<string> errors)
    {
        var strings = new List<string>();
        foreach (var value in values)
        {
            if (value.Name.LocalName == "string")
            {
                strings.Add(value.Value);
            }
            else
            {
                errors.Add($"'{source}' line {Line(value)}: {what} holds a <{value.Name.LocalName}>; expected <string>.");
            }
        }

        return strings;
    }

    private static List<string> Strings(XElement value, string what, string source, List<string> errors)
    {
        if (value.Name.LocalName == "array")
        {
            return Strings(value.Elements(), what, source, errors);
        }

        errors.Add($"'{source}' line {Line(value)}: {what} is a <{value.Name.LocalName}>; expected an <array> of <string>.");
        return [];
    }

    private static int Line(XElement element) => ((IXmlLineInfo)element).LineNumber;
}
