using System.Xml.Linq;

namespace Pinset.Formats;

// The configs as read: base-config, each domain-config (nested ones with their parent) and debug-overrides, their
// pin-sets, domains, trust anchors and settings.
internal sealed partial class AndroidNscReader
{
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
