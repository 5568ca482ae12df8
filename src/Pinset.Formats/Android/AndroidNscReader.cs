using System.Xml;
using System.Xml.Linq;

namespace Pinset.Formats;

/// <summary>
/// Reads a <c>network_security_config.xml</c> the way Android's own reader (<c>XmlConfigSource</c>) and its build tools
/// (aapt2, which compiles the file's attribute values) read it: what Android refuses is an error, what Android reads but
/// Pinset cannot express, or reads differently from what the text suggests, is a warning. Every message names the file,
/// the line and the element, and the domains it concerns.
/// <para>
/// One file per part of what it reads: the configs and their domains here; trust anchors and pin-sets
/// (<c>AndroidNscReader.Pins.cs</c>); what a config inherits and the policies it makes (<c>.Inheritance.cs</c>); values
/// as Android and Java read them (<c>.Values.cs</c>, with <see cref="AaptBool"/>, <see cref="AndroidBase64"/> and
/// <see cref="AndroidDate"/>); warnings (<c>.Warnings.cs</c>); the configs as read (<c>.Model.cs</c>).
/// </para>
/// </summary>
internal sealed partial class AndroidNscReader
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
}
