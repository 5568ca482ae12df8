namespace Pinset.Collector;

/// <summary>
/// The pinning policy files the collector was given (<c>Policy:Path</c>, <c>Policy:Paths</c>), read once at start
/// through Pinset's own loader (a bad file stops the start with every error) and kept as the file's text and the
/// configuration Pinset reads from it, so a proposed change is made to the very file and checked by the same loader.
/// Read only: the collector never writes a policy.
/// </summary>
internal sealed class PolicyCatalog
{
    private readonly List<(PolicyFile File, PinningPolicy Policy)> _files = [];

    public PolicyCatalog(IEnumerable<string> paths)
    {
        foreach (var path in paths)
        {
            // The text as the file has it, a byte order mark included, for a diff that applies to it; Pinset reads it without.
            var text = new System.Text.UTF8Encoding(false).GetString(File.ReadAllBytes(path));
            var json = text.TrimStart('\uFEFF');
            _files.Add((new PolicyFile(path, text, PinningConfigurationJson.Parse(json, path)), PinningPolicy.Parse(json, path)));
        }
    }

    /// <summary>The files and how many policies each holds, for the start-up log.</summary>
    public IEnumerable<(string Path, int Policies)> Files => _files.Select(f => (f.File.Path, f.Policy.Policies.Count));

    /// <summary>The policy entry that pins <paramref name="host"/>, from the first file that has one.</summary>
    public PolicyEntry? Find(string host)
    {
        foreach (var (file, policy) in _files)
        {
            if (policy.Find(host) is { } match)
            {
                return new PolicyEntry($"{Path.GetFileName(file.Path)}, pinning.policies[{match.Index}]", file, file.Configuration, match.Index, [.. match.Pins.Select(p => p.ToString())]);
            }
        }

        return null;
    }
}

/// <summary>A policy file as given: its path, its text, and the configuration Pinset's loader reads from that text.</summary>
internal sealed record PolicyFile(string Path, string Text, PinningConfiguration Configuration);

/// <summary>
/// One policy: where it is (<see cref="Source"/>; its <see cref="File"/>, none when it stands in for a missing file), the
/// configuration it is <see cref="Index"/> of, and its pins in <c>sha256/</c> form.
/// </summary>
internal sealed record PolicyEntry(string Source, PolicyFile? File, PinningConfiguration Configuration, int Index, IReadOnlyList<string> Pins)
{
    /// <summary>The policy a host's reports imply when no file pins it: its noted host name and the pins the reports name.</summary>
    public static PolicyEntry FromReports(string host, IReadOnlyList<string> knownPins) => new(
        "the pins the reports name (known-pins); give the collector your policy file (Policy:Path) to see the change to it",
        null,
        new PinningConfiguration { Policies = [new HostPolicyConfiguration { Hosts = [host], Pins = knownPins }] },
        0,
        knownPins);
}
