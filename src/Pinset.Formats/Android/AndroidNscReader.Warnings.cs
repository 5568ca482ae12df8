using System.Xml;
using System.Xml.Linq;

namespace Pinset.Formats;

// What Android reads that Pinset cannot express or reads differently, and what Android refuses: each a message naming
// the file, the line and the element.
internal sealed partial class AndroidNscReader
{
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

    private void Error(XObject at, string message) => _errors.Add(At(at) + message);

    private void Warn(XObject at, string message) => _warnings.Add(At(at) + message);

    private void Warn(int line, string message) => _warnings.Add($"'{_source}' line {line}: {message}");

    private string At(XObject at) => $"'{_source}' line {Line(at)}: ";

    private static int Line(XObject at) => ((IXmlLineInfo)at).LineNumber;
}
