namespace Pinset.Formats;

/// <summary>
/// The domains of formats that name each domain once, with or without its subdomains (Android's network security
/// config, TrustKit): Pinset's host patterns mapped onto them. Within a policy, a name and its wildcards become one
/// domain with subdomains (a warning says the exact name is covered by it). Across policies, a domain named twice is
/// refused: Android refuses such a file, and a plist keeps only one of the two entries, which would silently unpin
/// the other's names.
/// </summary>
internal static class DomainEntries
{
    /// <summary>For each policy, its domains in order, each once, and whether it takes its subdomains.</summary>
    /// <exception cref="PinsetFormatException">Two policies would name one domain.</exception>
    public static List<(string Domain, bool Subdomains)>[] Of(PinningConfiguration configuration, string target, IList<string> warnings)
    {
        var owner = new Dictionary<string, int>(StringComparer.Ordinal);
        var plan = new List<(string Domain, bool Subdomains)>[configuration.Policies.Count];
        for (int i = 0; i < configuration.Policies.Count; i++)
        {
            string where = $"pinning.policies[{i}]";
            var entries = new List<(string Domain, bool Subdomains)>();
            foreach (var host in PolicyText.Hosts(configuration.Policies[i]))
            {
                if (host.Kind == HostPatternKind.SingleLabelWildcard)
                {
                    warnings.Add($"{where}: {target} has no one-label wildcard; '{host}' is written as '{host.Domain}' with its subdomains, which also pins '{host.Domain}' and deeper names.");
                }

                if (owner.TryGetValue(host.Domain, out int other) && other != i)
                {
                    throw new PinsetFormatException(
                        $"{where} ('{host}') and pinning.policies[{other}] both pin '{host.Domain}' or names below it, and {target} names each domain once: a file with both would be refused, or keep one of them and leave the other's names unpinned. Give them one policy (the same pins), or convert them separately.");
                }

                owner[host.Domain] = i;
                int known = entries.FindIndex(e => e.Domain == host.Domain);
                bool subdomains = host.Kind != HostPatternKind.Exact;
                if (known < 0)
                {
                    entries.Add((host.Domain, subdomains));
                }
                else if (entries[known].Subdomains != subdomains)
                {
                    entries[known] = (host.Domain, true);
                    warnings.Add($"{where}: '{host.Domain}' and the wildcard below it are written as one {target} domain, '{host.Domain}' with its subdomains, as {target} names each domain once.");
                }
            }

            plan[i] = entries;
        }

        return plan;
    }
}
