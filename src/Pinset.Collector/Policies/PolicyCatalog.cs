using System.Text.Json.Nodes;

namespace Pinset.Collector;

/// <summary>
/// The pinning policy files the collector was given (<c>Policy:Path</c>, <c>Policy:Paths</c>), read once at start with
/// Pinset's own validation (a bad file stops the start with every error) and kept as JSON, so the dashboard can show
/// the change to the very entry that pins a host. Read only: the collector never writes a policy.
/// </summary>
internal sealed class PolicyCatalog
{
    private readonly List<(string Path, PinningPolicy Policy, JsonArray Entries)> _files = [];

    public PolicyCatalog(IEnumerable<string> paths)
    {
        foreach (var path in paths)
        {
            var text = File.ReadAllText(path);
            var policy = PinningPolicy.Parse(text, path);
            var entries = JsonNode.Parse(text)?["pinning"]?["policies"] as JsonArray ?? [];
            _files.Add((path, policy, entries));
        }
    }

    /// <summary>The files and how many policies each holds, for the start-up log.</summary>
    public IEnumerable<(string Path, int Policies)> Files => _files.Select(f => (f.Path, f.Policy.Policies.Count));

    /// <summary>The policy entry that pins <paramref name="host"/>, from the first file that has one.</summary>
    public PolicyEntry? Find(string host)
    {
        foreach (var (path, policy, entries) in _files)
        {
            if (policy.Find(host) is { } match && match.Index < entries.Count && entries[match.Index] is JsonObject entry)
            {
                return new PolicyEntry($"{Path.GetFileName(path)}, pinning.policies[{match.Index}]", entry, [.. match.Pins.Select(p => p.ToString())]);
            }
        }

        return null;
    }
}

/// <summary>One policy as its file writes it, where it is, and its pins in <c>sha256/</c> form.</summary>
internal sealed record PolicyEntry(string Source, JsonObject Json, IReadOnlyList<string> Pins)
{
    /// <summary>The policy a host's reports imply when no file pins it: its noted host name and the pins the reports name.</summary>
    public static PolicyEntry FromReports(string host, IReadOnlyList<string> knownPins) => new(
        "the pins the reports name (known-pins); give the collector your policy file (Policy:Path) to see the change to it",
        new JsonObject { ["hosts"] = new JsonArray(host), ["pins"] = new JsonArray([.. knownPins.Select(p => (JsonNode)JsonValue.Create(p))]) },
        knownPins);
}
