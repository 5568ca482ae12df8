using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace Pinset.Formats;

/// <summary>
/// Reads a <c>network_security_config.xml</c> the way Android's own reader (<c>XmlConfigSource</c>) and its build tools
/// (aapt2, which compiles the file's attribute values) read it: what Android refuses is an error, what Android reads but
/// Pinset cannot express, or reads differently from what the text suggests, is a warning. Every message names the file,
/// the line and the element, and the domains it concerns.
/// </summary>
internal sealed class AndroidNscReader
{
    private const string Root = "network-security-config";
    private const string BaseConfig = "base-config";
    private const string DomainConfig = "domain-config";
    private const string DebugOverrides = "debug-overrides";
    private const int MaxDepth = 64;

    private readonly string _source;
    private readonly IList<string> _warnings;
    private readonly DateTimeOffset _now;
    private readonly List<string> _errors = [];
    private readonly Dictionary<string, int> _seenDomains = new(StringComparer.Ordinal);
    private readonly List<Config> _domainConfigs = [];
    private readonly SortedSet<string> _ignored = new(StringComparer.Ordinal);
    private Config? _base;
    private Config? _debug;

    public AndroidNscReader(string source, IList<string> warnings, DateTimeOffset now)
    {
        _source = source;
        _warnings = warnings;
        _now = now;
    }

    public PinningConfiguration Read(string xml)
    {
        var document = XmlInput.Load(xml, _source, DtdProcessing.Prohibit, "Android network security config");

        var root = document.Root!;
        if (root.Name.LocalName != Root)
        {
            throw new PinningConfigurationException($"{At(root)}the root element is <{root.Name.LocalName}>; Android refuses any root but <{Root}>.");
        }

        foreach (var element in root.Elements())
        {
            switch (element.Name.LocalName)
            {
                case BaseConfig when _base is not null:
                    Error(element, $"a second <{BaseConfig}> (the first is at line {Line(_base.Element)}); Android refuses more than one.");
                    break;
                case BaseConfig:
                    _base = ParseConfig(element, BaseConfig, null);
                    break;
                case DomainConfig:
                    ParseConfig(element, DomainConfig, null);
                    break;
                case DebugOverrides when _debug is not null:
                    Error(element, $"a second <{DebugOverrides}> (the first is at line {Line(_debug.Element)}); Android refuses more than one.");
                    break;
                case DebugOverrides:
                    _debug = ParseConfig(element, DebugOverrides, null);
                    break;
                default:
                    Unknown(element, null);
                    break;
            }
        }

        var policies = BuildPolicies(out var nothingPinned);
        WarnSettings();
        if (_errors.Count > 0)
        {
            throw new PinningConfigurationException(_errors);
        }

        if (policies.Count == 0)
        {
            string ignored = _ignored.Count == 0 ? string.Empty : $"; ignored: {string.Join(", ", _ignored)}";
            throw PinningConfigurationException.Verbatim($"'{_source}' is a valid network security config but pins no domain: {nothingPinned}{ignored}.");
        }

        return new PinningConfiguration { Policies = policies };
    }

    private Config ParseConfig(XElement element, string kind, Config? parent)
    {
        var config = new Config(element, kind, parent);
        config.Depth = parent is null ? 1 : parent.Depth + 1;
        if (kind == DomainConfig)
        {
            // Parents before children, as Android builds them.
            _domainConfigs.Add(config);
        }

        foreach (var attribute in Attributes(element))
        {
            // Android reads these two by name alone, whatever their namespace.
            string name = attribute.Name.LocalName;
            if (name is "cleartextTrafficPermitted" or "hstsEnforced")
            {
                bool fallback = name == "cleartextTrafficPermitted";
                config.Settings.Add(new Setting(name, ReadBool(attribute, fallback), attribute.Value, Line(attribute)));
            }
            else if (attribute.Name.Namespace == XNamespace.None)
            {
                UnknownAttribute(attribute, "cleartextTrafficPermitted and hstsEnforced");
            }
        }

        foreach (var child in element.Elements())
        {
            switch (child.Name.LocalName)
            {
                case "domain" when kind != DomainConfig:
                    Error(child, $"<domain> is not allowed in <{kind}>; Android refuses it{DebugNote(kind)}.");
                    break;
                case "domain":
                    ParseDomain(child, config);
                    break;
                case "trust-anchors" when config.Anchors is not null:
                    Error(child, $"a second <trust-anchors> in one <{kind}> (the first is at line {config.AnchorsLine}); Android refuses more than one{DebugNote(kind)}.");
                    break;
                case "trust-anchors":
                    config.AnchorsLine = Line(child);
                    config.Anchors = ParseTrustAnchors(child, config);
                    break;
                case "pin-set" when kind != DomainConfig:
                    Error(child, $"<pin-set> is not allowed in <{kind}>; Android refuses it{DebugNote(kind)}: pins belong to a <domain-config>.");
                    break;
                case "pin-set" when config.PinSet is not null:
                    Error(child, $"a second <pin-set> in one <domain-config> (the first is at line {config.PinSet.Line}); Android refuses more than one.");
                    break;
                case "pin-set":
                    config.PinSet = ParsePinSet(child);
                    break;
                case "domain-config" when kind != DomainConfig:
                    Error(child, $"a <domain-config> nested in <{kind}>; Android refuses it{DebugNote(kind)}.");
                    break;
                case "domain-config" when config.Depth >= MaxDepth:
                    Error(child, $"<domain-config> nested more than {MaxDepth} deep; Pinset refuses it, as Android's reader, which recurses once per level, may run out of stack on it.");
                    break;
                case "domain-config":
                    ParseConfig(child, DomainConfig, config);
                    break;
                case "certificateTransparency" when kind == DebugOverrides:
                    Error(child, $"<certificateTransparency> is not allowed in <{DebugOverrides}>; Android versions that know it refuse it{DebugNote(kind)}.");
                    break;
                case "certificateTransparency":
                    ParseCertificateTransparency(child, config);
                    break;
                default:
                    config.Unknown.Add(child);
                    break;
            }
        }

        if (kind == DomainConfig && !config.NamesDomains)
        {
            Error(element, "<domain-config> has no <domain>; Android refuses a domain-config that names no domain.");
        }

        return config;
    }

    private void ParseDomain(XElement element, Config config)
    {
        // A refused domain is one error, not also a domain-config without domains: Android stops at the first.
        config.NamesDomains = true;
        bool includeSubdomains = false;
        foreach (var attribute in Attributes(element))
        {
            if (attribute.Name == "includeSubdomains")
            {
                includeSubdomains = ReadBool(attribute, false);
            }
            else
            {
                UnknownAttribute(attribute, "includeSubdomains");
            }
        }

        if (!TextOnly(element, "domain", "the domain name"))
        {
            return;
        }

        // Android trims (Java's trim: every character up to U+0020) and lower-cases with Locale.US.
        string name = JavaTrim(element.Value).ToLowerInvariant();
        if (name.Length == 0)
        {
            Error(element, "<domain> is empty; Android refuses a domain without a name.");
            return;
        }

        if (!_seenDomains.TryAdd(name, Line(element)))
        {
            Error(element, $"the domain '{name}' was already named at line {_seenDomains[name]}; Android refuses a domain named twice anywhere in the file, with or without includeSubdomains.");
            return;
        }

        config.Domains.Add(new Domain(name, includeSubdomains, Line(element)));
    }

    private List<Anchor> ParseTrustAnchors(XElement element, Config config)
    {
        var anchors = new List<Anchor>();
        foreach (var attribute in Attributes(element).Where(a => a.Name.Namespace == XNamespace.None))
        {
            UnknownAttribute(attribute, null);
        }

        foreach (var child in element.Elements())
        {
            if (child.Name.LocalName != "certificates")
            {
                config.Unknown.Add(child);
                continue;
            }

            // In debug-overrides, certificates override pins unless they say otherwise.
            bool overridePins = config.Kind == DebugOverrides;
            string? src = null;
            foreach (var attribute in Attributes(child))
            {
                if (attribute.Name == "overridePins")
                {
                    overridePins = ReadBool(attribute, overridePins);
                }
                else if (attribute.Name == "src")
                {
                    src = attribute.Value;
                }
                else
                {
                    UnknownAttribute(attribute, "src and overridePins");
                }
            }

            if (src is null)
            {
                Error(child, $"<certificates> has no src attribute; Android refuses it{DebugNote(config.Kind)}.");
                continue;
            }

            if (src == "wfa")
            {
                Warn(child, "<certificates src=\"wfa\"> (the Wi-Fi Alliance CAs) is known only to recent Android versions; older ones refuse the file.");
            }
            else if (src is not "system" and not "user" && !IsResourceReference(src))
            {
                Error(child, $"<certificates src=\"{src}\"> names no certificate source Android knows; Android refuses it{DebugNote(config.Kind)} (expected 'system', 'user' or a resource such as '@raw/my_ca').");
                continue;
            }

            foreach (var inner in child.Elements())
            {
                config.Unknown.Add(inner);
            }

            anchors.Add(new Anchor(src, overridePins, Line(child), config.Kind == DebugOverrides));
        }

        return anchors;
    }

    private PinSet ParsePinSet(XElement element)
    {
        var pinSet = new PinSet(Line(element));
        foreach (var attribute in Attributes(element))
        {
            if (attribute.Name == "expiration")
            {
                ParseExpiration(attribute, pinSet);
            }
            else
            {
                UnknownAttribute(attribute, "expiration");
            }
        }

        foreach (var child in element.Elements())
        {
            if (child.Name.LocalName == "pin")
            {
                ParsePin(child, pinSet);
            }
            else
            {
                pinSet.Unknown.Add(child);
            }
        }

        return pinSet;
    }

    private void ParsePin(XElement element, PinSet pinSet)
    {
        var digest = element.Attribute("digest");
        foreach (var attribute in Attributes(element).Where(a => a.Name != "digest"))
        {
            UnknownAttribute(attribute, "digest");
        }

        if (digest is null)
        {
            Error(element, "<pin> has no digest attribute; Android refuses a pin without digest=\"SHA-256\".");
            return;
        }

        if (!EqualsIgnoreCaseAsJava(digest.Value, "SHA-256"))
        {
            Error(element, $"<pin digest=\"{digest.Value}\"> is not a SHA-256 pin; Android refuses any digest but SHA-256 (compared without regard to case).");
            return;
        }

        if (!TextOnly(element, "pin", "the base64 of the SHA-256"))
        {
            return;
        }

        string text = JavaTrim(element.Value);
        if (text.Length == 0)
        {
            Error(element, $"<pin digest=\"{digest.Value}\"> is empty; Android refuses a pin without its base64 value.");
            return;
        }

        if (!AndroidBase64.TryDecode(text, out var bytes))
        {
            Error(element, $"the <pin> value '{text}' is not valid base64 (its length or padding is wrong); Android refuses it.");
            return;
        }

        if (bytes.Length != Sha256Digest.Size)
        {
            Error(element, $"the <pin> value '{text}' decodes to {bytes.Length} bytes; a SHA-256 pin is {Sha256Digest.Size} bytes and Android refuses any other length.");
            return;
        }

        string canonical = Convert.ToBase64String(bytes);
        if (canonical != text)
        {
            Warn(element, $"the <pin> value '{text}' is not plain base64; Android skips every character outside the base64 alphabet, accepts missing padding and ignores unused bits, and reads it as '{canonical}', as Pinset does.");
        }

        if (pinSet.Seen.Add(canonical))
        {
            pinSet.Pins.Add(SpkiPin.Prefix + canonical);
        }
    }

    private void ParseExpiration(XAttribute attribute, PinSet pinSet)
    {
        pinSet.ExpirationText = attribute.Value;
        if (!AndroidDate.TryParse(attribute.Value, out int year, out int month, out int day, out int consumed))
        {
            Error(attribute, $"<pin-set expiration=\"{attribute.Value}\"> is not a date Android can read; Android refuses it (expected yyyy-MM-dd, such as '2027-06-30').");
            return;
        }

        if (consumed < attribute.Value.Length)
        {
            Warn(attribute, $"<pin-set expiration=\"{attribute.Value}\">: Android reads only the date at its start, {year:D4}-{month:D2}-{day:D2}, and ignores '{attribute.Value[consumed..]}'.");
        }

        if (year > 9999)
        {
            Warn(attribute, $"<pin-set expiration=\"{attribute.Value}\"> is in the year {year}, which Pinset cannot write; the Pinset policy has no expiry, which is the same in practice.");
            return;
        }

        pinSet.Expires = string.Create(CultureInfo.InvariantCulture, $"{year:D4}-{month:D2}-{day:D2}");
        pinSet.ExpiresAt = new DateTimeOffset(year, month, day, 0, 0, 0, TimeSpan.Zero);
    }

    private void ParseCertificateTransparency(XElement element, Config config)
    {
        foreach (var attribute in Attributes(element))
        {
            if (attribute.Name == "enabled")
            {
                config.Settings.Add(new Setting("certificateTransparency", ReadBool(attribute, false), attribute.Value, Line(element)));
            }
            else
            {
                UnknownAttribute(attribute, "enabled");
            }
        }

        if (!config.Settings.Exists(s => s.Name == "certificateTransparency"))
        {
            config.Settings.Add(new Setting("certificateTransparency", false, null, Line(element)));
        }
    }

    /// <summary>True when the element holds text only; otherwise an error, as Android refuses an element inside a domain or a pin.</summary>
    private bool TextOnly(XElement element, string name, string what)
    {
        if (element.Elements().FirstOrDefault() is { } inner)
        {
            Error(inner, $"<{name}> holds the element <{inner.Name.LocalName}>; Android refuses anything but {what} inside <{name}>.");
            return false;
        }

        return true;
    }

    private List<HostPolicyConfiguration> BuildPolicies(out string nothingPinned)
    {
        var policies = new List<HostPolicyConfiguration>();
        var pinnedWithSubdomains = new Dictionary<string, string>(StringComparer.Ordinal);
        var bypassed = new Dictionary<Anchor, List<string>>();
        var unpinned = new List<(Config Config, string Reason)>();
        int withoutPinSet = 0, withEmptyPinSet = 0, withoutHosts = 0;
        foreach (var config in _domainConfigs)
        {
            if (config.Domains.Count == 0)
            {
                continue;
            }

            var (pinSet, owner) = EffectivePinSet(config);
            if (pinSet is null || pinSet.Pins.Count == 0)
            {
                string reason = pinSet is null
                    ? "has no <pin-set>, nor a parent <domain-config> with one"
                    : owner == config
                        ? $"has a <pin-set> (line {pinSet.Line}) without a <pin>"
                        : $"inherits the <pin-set> of line {pinSet.Line}, which has no <pin>";
                unpinned.Add((config, reason));
                if (pinSet is null)
                {
                    withoutPinSet++;
                }
                else
                {
                    withEmptyPinSet++;
                }

                continue;
            }

            var hosts = new List<string>();
            foreach (var domain in config.Domains)
            {
                if (HostFor(domain) is { } host)
                {
                    hosts.Add(host);
                    if (domain.IncludeSubdomains)
                    {
                        pinnedWithSubdomains[domain.Name] = host;
                    }
                }
            }

            if (hosts.Count == 0)
            {
                withoutHosts++;
                continue;
            }

            policies.Add(new HostPolicyConfiguration { Hosts = hosts, Pins = [.. pinSet.Pins], Expires = pinSet.Expires });
            string names = Names(config);
            if (pinSet.ExpiresAt is { } expiresAt && _now >= expiresAt)
            {
                Warn(config.Element, $"the <pin-set expiration=\"{pinSet.ExpirationText}\"> (line {pinSet.Line}) of the <domain-config> for {names} has passed: Android ignores these pins, so the app is not pinned for {names}; the Pinset policy is already expired too.");
            }

            foreach (var anchor in EffectiveAnchors(config).Concat(_debug?.Anchors ?? []).Where(a => a.OverridePins))
            {
                if (!bypassed.TryGetValue(anchor, out var affected))
                {
                    bypassed[anchor] = affected = [];
                }

                affected.Add(names);
            }
        }

        foreach (var (anchor, affected) in bypassed)
        {
            string names = string.Join(", ", affected);
            Warn(anchor.Line, anchor.InDebugOverrides
                ? $"PINS BYPASSED in debuggable builds: <certificates src=\"{anchor.Src}\"> in <{DebugOverrides}> overrides pins (the default there), so a debuggable build of the app does not check the pins of {names} on a chain anchored at a '{anchor.Src}' CA. Pinset's policy pins them anyway."
                : $"PINS BYPASSED: <certificates src=\"{anchor.Src}\" overridePins=\"true\"> applies to the <domain-config> for {names}: Android does not check their pins on a chain anchored at a '{anchor.Src}' CA, so against those CAs the app is in effect not pinned. Pinset's policy pins them anyway.");
        }

        foreach (var (config, reason) in unpinned)
        {
            var wider = config.Domains
                .Select(d => (d, Host: WiderPinned(d.Name, pinnedWithSubdomains)))
                .Where(w => w.Host is not null)
                .ToList();
            string carveOut = wider.Count == 0
                ? string.Empty
                : " " + string.Join(" ", wider.Select(w => $"Android's most specific match leaves '{w.d.Name}' unpinned, but Pinset's policy for '{w.Host}' pins it."));
            Warn(config.Element, $"the <domain-config> for {Names(config)} {reason}, so Android does not pin them and Pinset writes no policy for them.{carveOut}");
        }

        var parts = new List<string>();
        if (_domainConfigs.Count == 0)
        {
            parts.Add("it has no <domain-config>");
        }

        if (withoutPinSet > 0)
        {
            parts.Add(withoutPinSet == _domainConfigs.Count
                ? $"its {Count(withoutPinSet, "domain-config")} {(withoutPinSet == 1 ? "has" : "have")} no pin-set"
                : $"{Count(withoutPinSet, "domain-config")} {(withoutPinSet == 1 ? "has" : "have")} no pin-set");
        }

        if (withEmptyPinSet > 0)
        {
            parts.Add($"{Count(withEmptyPinSet, "domain-config")} {(withEmptyPinSet == 1 ? "has a pin-set" : "have pin-sets")} without a pin");
        }

        if (withoutHosts > 0)
        {
            parts.Add($"{Count(withoutHosts, "domain-config")} with pins {(withoutHosts == 1 ? "names" : "name")} no host Pinset can pin");
        }

        nothingPinned = string.Join(", ", parts);
        return policies;
    }

    /// <summary>The pinned includeSubdomains domain that Pinset's most specific match would give <paramref name="name"/>, label by label.</summary>
    private static string? WiderPinned(string name, Dictionary<string, string> pinnedWithSubdomains)
    {
        for (int dot = name.IndexOf('.', StringComparison.Ordinal); dot >= 0; dot = name.IndexOf('.', dot + 1))
        {
            if (pinnedWithSubdomains.TryGetValue(name[(dot + 1)..], out var host))
            {
                return host;
            }
        }

        return null;
    }

    private string? HostFor(Domain domain)
    {
        string name = domain.Name;
        if (name.EndsWith('.'))
        {
            Warn(domain.Line, $"<domain>{name}</domain> ends with a dot; Android drops the trailing dot of a host name before comparing, so this domain matches no host and Android pins nothing with it. It is left out.");
            return null;
        }

        if (!HostName.TryNormalize(name, out var normalized, out var error))
        {
            Warn(domain.Line, $"<domain>{name}</domain> is not a host name ({error.TrimEnd('.')}); Android compares it literally with host names, so it matches no real host and pins nothing. It is left out.");
            return null;
        }

        if (normalized != name)
        {
            Warn(domain.Line, $"<domain>{name}</domain> is compared by Android as written; Pinset pins its normalised form '{normalized}', which is how HTTP clients name the host.");
        }

        if (!domain.IncludeSubdomains)
        {
            return normalized;
        }

        if (HostName.IsIPAddress(normalized))
        {
            Warn(domain.Line, $"<domain includeSubdomains=\"true\">{name}</domain> is an IP address, which has no subdomains; Pinset pins the address alone, as Android in effect does.");
            return normalized;
        }

        return "**." + normalized;
    }

    /// <summary>Warnings for what Pinset cannot express, now that every config knows its domains.</summary>
    private void WarnSettings()
    {
        foreach (var config in All())
        {
            string where = Describe(config);
            foreach (var setting in config.Settings)
            {
                _ignored.Add(setting.Name);
                string value = setting.Value ? "true" : "false";
                string meaning = setting.Name switch
                {
                    "cleartextTrafficPermitted" => setting.Value ? "lets the app send plain HTTP" : "forbids plain HTTP",
                    "hstsEnforced" => setting.Value ? "makes Android honour HSTS" : "leaves HSTS unenforced",
                    _ => setting.Value ? "asks recent Android versions to require Certificate Transparency" : "leaves Certificate Transparency unrequired on recent Android versions",
                };
                string element = setting.Name != "certificateTransparency" ? $"{setting.Name}=\"{setting.Raw}\""
                    : setting.Raw is null ? "<certificateTransparency>" : $"<certificateTransparency enabled=\"{setting.Raw}\">";
                Warn(setting.Line, config.Kind == DebugOverrides
                    ? $"{element} on <{DebugOverrides}> has no effect: Android takes only the trust-anchors of <{DebugOverrides}>. Pinset ignores it too."
                    : $"{element} on {where} {meaning} (Android reads it as {value}); Pinset pins TLS connections and cannot express it, so it is ignored.");
            }

            if (config.Anchors is not null)
            {
                _ignored.Add("trust-anchors");
                string sources = config.Anchors.Count == 0 ? "no CA at all" : string.Join(", ", config.Anchors.Select(a => $"'{a.Src}'"));
                Warn(config.AnchorsLine, $"<trust-anchors> of {where} chooses the CAs Android trusts ({sources}); Pinset validates chains against the operating system's trust store and cannot express it, so it is ignored.");
            }

            foreach (var unknown in config.Unknown.Concat(config.PinSet?.Unknown ?? []))
            {
                Unknown(unknown, where);
            }
        }

        if (_debug is not null)
        {
            _ignored.Add(DebugOverrides);
            Warn(_debug.Element, $"<{DebugOverrides}> applies only when the app is built debuggable; Pinset has no such builds and ignores it.");
        }
    }

    private void Unknown(XElement element, string? where)
    {
        _ignored.Add($"<{element.Name.LocalName}>");
        Warn(element, $"<{element.Name.LocalName}>{(where is null ? string.Empty : " in " + where)} is not an element Android knows; Android skips it and everything inside it without a word, and so does Pinset.");
    }

    private void UnknownAttribute(XAttribute attribute, string? known)
    {
        if (attribute.Name.NamespaceName == "http://schemas.android.com/tools")
        {
            // Android's build tools strip the tools namespace before the app sees the file.
            return;
        }

        string element = attribute.Parent!.Name.LocalName;
        string reads = known is null ? "none" : known;
        string hint = known is not null && known.Split(" and ").FirstOrDefault(k => string.Equals(k, attribute.Name.LocalName, StringComparison.OrdinalIgnoreCase)) is { } spelled && spelled != attribute.Name.LocalName
            ? $" (Android spells it '{spelled}', and is exact about case)"
            : string.Empty;
        string prefix = attribute.Name.Namespace == XNamespace.None ? string.Empty : (attribute.Parent.GetPrefixOfNamespace(attribute.Name.Namespace) ?? attribute.Name.NamespaceName) + ":";
        Warn(attribute, $"<{element}> has the attribute {prefix}{attribute.Name.LocalName}=\"{attribute.Value}\", which Android does not read{hint}; the attributes it reads on <{element}> are: {reads}. It is ignored, as Android ignores it.");
    }

    /// <summary>
    /// A boolean attribute as Android reads it: aapt2 compiles <c>true</c>, <c>TRUE</c>, <c>True</c> (and the same three
    /// spellings of false) to a boolean, a decimal or <c>0x</c> integer to an integer and <c>#rgb</c>-style colours to a
    /// colour, each read as true when not zero; anything else stays a string, which Android reads as the default.
    /// </summary>
    private bool ReadBool(XAttribute attribute, bool fallback)
    {
        var kind = AaptBool.Read(attribute.Value, out bool value);
        switch (kind)
        {
            case AaptBool.Kind.Word or AaptBool.Kind.Integer:
                return value;
            case AaptBool.Kind.Colour:
                Warn(attribute, $"{attribute.Name}=\"{attribute.Value}\" is compiled by Android's build tools as a colour, which Android reads as {(value ? "true" : "false")}; Pinset reads it the same way.");
                return value;
            default:
                Warn(attribute, $"{attribute.Name}=\"{attribute.Value}\" is neither a true nor a false spelling Android recognises ('true', 'TRUE', 'True', a non-zero number; 'false', 'FALSE', 'False', '0'); Android reads it as {(fallback ? "true" : "false")}, the default, and so does Pinset.");
                return fallback;
        }
    }

    private (PinSet? PinSet, Config? Owner) EffectivePinSet(Config config)
    {
        for (var c = config; c is not null; c = c.Parent)
        {
            if (c.PinSet is not null)
            {
                return (c.PinSet, c);
            }
        }

        return (null, null);
    }

    /// <summary>A config's trust anchors: its own, else its parents', else base-config's, else the platform's (which never override pins).</summary>
    private List<Anchor> EffectiveAnchors(Config config)
    {
        for (var c = config; c is not null; c = c.Parent)
        {
            if (c.Anchors is not null)
            {
                return c.Anchors;
            }
        }

        return _base?.Anchors ?? [];
    }

    private IEnumerable<Config> All()
    {
        if (_base is not null)
        {
            yield return _base;
        }

        foreach (var config in _domainConfigs)
        {
            yield return config;
        }

        if (_debug is not null)
        {
            yield return _debug;
        }
    }

    private static string Describe(Config config) => config.Kind switch
    {
        BaseConfig => $"<{BaseConfig}> (the default of every domain that does not set its own)",
        DebugOverrides => $"<{DebugOverrides}> (debuggable builds only, every domain)",
        _ => $"the <domain-config> for {Names(config)}",
    };

    private static string Names(Config config) => config.Domains.Count == 0
        ? "no domain"
        : string.Join(", ", config.Domains.Select(d => d.IncludeSubdomains ? $"'{d.Name}' and its subdomains" : $"'{d.Name}'"));

    private static string DebugNote(string kind) => kind == DebugOverrides ? " (when the app is built debuggable; release builds skip <debug-overrides> unread)" : string.Empty;

    private static string Count(int count, string noun) => count == 1 ? $"{count} {noun}" : $"{count} {noun}s";

    private static IEnumerable<XAttribute> Attributes(XElement element) => element.Attributes().Where(a => !a.IsNamespaceDeclaration);

    /// <summary>Android's resource reference, <c>@[package:]type/name</c>, which aapt2 resolves at build time.</summary>
    private static bool IsResourceReference(string src)
    {
        int slash = src.IndexOf('/', StringComparison.Ordinal);
        return src.Length > 3 && src[0] == '@' && slash > 1 && slash < src.Length - 1;
    }

    /// <summary>Java's <c>String.trim()</c>: every character up to U+0020 off both ends, and nothing else.</summary>
    private static string JavaTrim(string text) => text.Trim(JavaWhitespace);

    private static readonly char[] JavaWhitespace = [.. Enumerable.Range(0, 0x21).Select(i => (char)i)];

    /// <summary>Java's <c>String.equalsIgnoreCase</c>: equal, or equal after upper-casing or lower-casing each character.</summary>
    internal static bool EqualsIgnoreCaseAsJava(string a, string b)
    {
        if (a.Length != b.Length)
        {
            return false;
        }

        for (int i = 0; i < a.Length; i++)
        {
            char x = a[i], y = b[i];
            if (x != y && char.ToUpperInvariant(x) != char.ToUpperInvariant(y) && char.ToLowerInvariant(x) != char.ToLowerInvariant(y))
            {
                return false;
            }
        }

        return true;
    }

    private void Error(XObject at, string message) => _errors.Add(At(at) + message);

    private void Warn(XObject at, string message) => _warnings.Add(At(at) + message);

    private void Warn(int line, string message) => _warnings.Add($"'{_source}' line {line}: {message}");

    private string At(XObject at) => $"'{_source}' line {Line(at)}: ";

    private static int Line(XObject at) => ((IXmlLineInfo)at).LineNumber;

    private sealed class Config(XElement element, string kind, Config? parent)
    {
        public XElement Element { get; } = element;

        public string Kind { get; } = kind;

        /// <summary>The enclosing domain-config; top-level ones inherit from base-config, which <see cref="EffectiveAnchors"/> adds.</summary>
        public Config? Parent { get; } = parent;

        public List<Domain> Domains { get; } = [];

        public int Depth { get; set; }

        public bool NamesDomains { get; set; }

        public PinSet? PinSet { get; set; }

        public List<Anchor>? Anchors { get; set; }

        public int AnchorsLine { get; set; }

        public List<Setting> Settings { get; } = [];

        public List<XElement> Unknown { get; } = [];
    }

    private sealed class PinSet(int line)
    {
        public int Line { get; } = line;

        public List<string> Pins { get; } = [];

        public HashSet<string> Seen { get; } = new(StringComparer.Ordinal);

        public string? ExpirationText { get; set; }

        public string? Expires { get; set; }

        public DateTimeOffset? ExpiresAt { get; set; }

        public List<XElement> Unknown { get; } = [];
    }

    private sealed record Domain(string Name, bool IncludeSubdomains, int Line);

    /// <summary>A certificates entry; compared by reference, as each element is one anchor.</summary>
    private sealed class Anchor(string src, bool overridePins, int line, bool inDebugOverrides)
    {
        public string Src { get; } = src;

        public bool OverridePins { get; } = overridePins;

        public int Line { get; } = line;

        public bool InDebugOverrides { get; } = inDebugOverrides;
    }

    private sealed record Setting(string Name, bool Value, string? Raw, int Line);
}

/// <summary>How Android's build tools (aapt2) compile an attribute value that no schema types, as far as a boolean read of it goes.</summary>
internal static class AaptBool
{
    public enum Kind
    {
        /// <summary>A string: Android's <c>getAttributeBooleanValue</c> returns the default.</summary>
        Unrecognised,

        /// <summary><c>true</c>, <c>TRUE</c>, <c>True</c>, <c>false</c>, <c>FALSE</c>, <c>False</c>.</summary>
        Word,

        /// <summary>A decimal or <c>0x</c> hexadecimal integer: true when not zero.</summary>
        Integer,

        /// <summary><c>#rgb</c>, <c>#argb</c>, <c>#rrggbb</c>, <c>#aarrggbb</c>: true when not zero.</summary>
        Colour,
    }

    public static Kind Read(string raw, out bool value)
    {
        value = false;
        var text = raw.AsSpan().Trim(" \t\n\v\f\r");
        if (text is "true" or "TRUE" or "True")
        {
            value = true;
            return Kind.Word;
        }

        if (text is "false" or "FALSE" or "False")
        {
            return Kind.Word;
        }

        if (TryColour(text, out uint colour))
        {
            value = colour != 0;
            return Kind.Colour;
        }

        if (TryInteger(text, out long integer))
        {
            value = integer != 0;
            return Kind.Integer;
        }

        return Kind.Unrecognised;
    }

    /// <summary>The integers of Android's resource compiler: an optional '-', decimal digits within 32 bits, or '0x' and hex digits.</summary>
    private static bool TryInteger(ReadOnlySpan<char> text, out long value)
    {
        value = 0;
        bool negative = text.Length > 0 && text[0] == '-';
        var digits = negative ? text[1..] : text;
        if (digits.Length == 0 || !char.IsAsciiDigit(digits[0]))
        {
            return false;
        }

        if (digits.Length > 1 && digits[0] == '0' && digits[1] == 'x')
        {
            var hex = digits[2..];
            return !negative && hex.Length > 0 && long.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value) && value <= uint.MaxValue;
        }

        if (digits.ContainsAnyExceptInRange('0', '9') || !long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out value))
        {
            return false;
        }

        value = negative ? -value : value;
        return value is >= int.MinValue and <= int.MaxValue;
    }

    private static bool TryColour(ReadOnlySpan<char> text, out uint colour)
    {
        colour = 0;
        if (text.Length is not (4 or 5 or 7 or 9) || text[0] != '#' || text[1..].ContainsAnyExcept("0123456789abcdefABCDEF"))
        {
            return false;
        }

        var hex = text[1..];
        uint parsed = uint.Parse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        colour = hex.Length switch
        {
            3 => 0xFF000000u | parsed, // any colour without alpha is opaque, so never zero
            6 => 0xFF000000u | parsed,
            _ => parsed,
        };
        return true;
    }
}

/// <summary>
/// Android's <c>android.util.Base64.decode(text, DEFAULT)</c> over the text's UTF-8 bytes: every byte outside the
/// alphabet and '=' is skipped, padding is optional but must be right when present, and a lone trailing character is refused.
/// </summary>
internal static class AndroidBase64
{
    public static bool TryDecode(string text, out byte[] decoded)
    {
        var output = new List<byte>();
        decoded = [];
        int state = 0, value = 0;
        foreach (byte b in Encoding.UTF8.GetBytes(text))
        {
            int d = Sextet(b);
            if (d == Skip)
            {
                continue;
            }

            switch (state)
            {
                case 0 or 1 when d == EqualsSign:
                    return false;
                case 0 or 1:
                    value = (value << 6) | d;
                    state++;
                    break;
                case 2 when d == EqualsSign:
                    output.Add((byte)(value >> 4));
                    state = 4;
                    break;
                case 2:
                    value = (value << 6) | d;
                    state = 3;
                    break;
                case 3 when d == EqualsSign:
                    output.Add((byte)(value >> 10));
                    output.Add((byte)(value >> 2));
                    state = 5;
                    break;
                case 3:
                    value = (value << 6) | d;
                    output.Add((byte)(value >> 16));
                    output.Add((byte)(value >> 8));
                    output.Add((byte)value);
                    value = 0;
                    state = 0;
                    break;
                case 4 when d == EqualsSign:
                    state = 5;
                    break;
                default:
                    // A data character after the first '=' of two, or anything after the padding.
                    return false;
            }
        }

        switch (state)
        {
            case 1 or 4:
                return false;
            case 2:
                output.Add((byte)(value >> 4));
                break;
            case 3:
                output.Add((byte)(value >> 10));
                output.Add((byte)(value >> 2));
                break;
        }

        decoded = [.. output];
        return true;
    }

    private const int Skip = -1;
    private const int EqualsSign = -2;

    private static int Sextet(byte b) => b switch
    {
        >= (byte)'A' and <= (byte)'Z' => b - 'A',
        >= (byte)'a' and <= (byte)'z' => b - 'a' + 26,
        >= (byte)'0' and <= (byte)'9' => b - '0' + 52,
        (byte)'+' => 62,
        (byte)'/' => 63,
        (byte)'=' => EqualsSign,
        _ => Skip,
    };
}

/// <summary>
/// Java's <c>new SimpleDateFormat("yyyy-MM-dd")</c> with <c>setLenient(false)</c>, as Android parses a pin-set's
/// expiration: spaces and tabs before each number are skipped, numbers take any count of digits, the dashes must be there,
/// the date must exist (no 2015-02-29), and text after the day is ignored.
/// </summary>
internal static class AndroidDate
{
    public static bool TryParse(string text, out int year, out int month, out int day, out int consumed)
    {
        month = day = 0;
        int at = 0;
        if (!Number(text, ref at, out year) || !Dash(text, ref at) || !Number(text, ref at, out month) || !Dash(text, ref at) || !Number(text, ref at, out day))
        {
            consumed = 0;
            return false;
        }

        consumed = at;
        return year >= 1 && month is >= 1 and <= 12 && day >= 1 && day <= DaysIn(year, month);
    }

    private static bool Dash(string text, ref int at)
    {
        if (at < text.Length && text[at] == '-')
        {
            at++;
            return true;
        }

        return false;
    }

    /// <summary>Java's DecimalFormat as SimpleDateFormat uses it: an optional '-', then Unicode decimal digits.</summary>
    private static bool Number(string text, ref int at, out int value)
    {
        value = 0;
        while (at < text.Length && text[at] is ' ' or '\t')
        {
            at++;
        }

        bool negative = at < text.Length && text[at] == '-';
        int start = negative ? at + 1 : at;
        int end = start;
        long number = 0;
        while (end < text.Length && CharUnicodeInfo.GetUnicodeCategory(text[end]) == UnicodeCategory.DecimalDigitNumber && CharUnicodeInfo.GetDecimalDigitValue(text[end]) is var digit and >= 0)
        {
            number = Math.Min((number * 10) + digit, int.MaxValue + 1L);
            end++;
        }

        if (end == start || number > int.MaxValue)
        {
            return false;
        }

        value = (int)(negative ? -number : number);
        at = end;
        return true;
    }

    /// <summary>Days in a month of Java's default calendar: Julian leap years before 1583 (the Gregorian reform), Gregorian after.</summary>
    private static int DaysIn(int year, int month)
    {
        bool leap = year < 1583 ? year % 4 == 0 : (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        return month switch
        {
            2 => leap ? 29 : 28,
            4 or 6 or 9 or 11 => 30,
            _ => 31,
        };
    }
}
