namespace Pinset;

/// <summary>
/// The ICANN section of the Public Suffix List, embedded at build time (refresh it with
/// <c>eng/refresh-public-suffix-list.sh</c>). Loaded once, on the first wildcard pattern.
/// </summary>
internal static class PublicSuffixList
{
    private static readonly Lazy<Rules> Loaded = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>True when <paramref name="domain"/> (normalised) is a public suffix: one label, or a rule of the list.</summary>
    public static bool IsPublicSuffix(string domain)
    {
        var rules = Loaded.Value;
        if (rules.Exceptions.Contains(domain))
        {
            return false;
        }

        int dot = domain.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 || rules.Exact.Contains(domain) || rules.Wildcards.Contains(domain[(dot + 1)..]);
    }

    internal static int RuleCount => Loaded.Value.Exact.Count + Loaded.Value.Wildcards.Count + Loaded.Value.Exceptions.Count;

    private static Rules Load()
    {
        using var stream = typeof(PublicSuffixList).Assembly.GetManifestResourceStream("Pinset.public_suffix_list.dat")
            ?? throw new InvalidOperationException("The embedded Public Suffix List 'Pinset.public_suffix_list.dat' is missing from the Pinset assembly; the build is broken.");
        using var reader = new StreamReader(stream);
        var rules = new Rules();
        while (reader.ReadLine() is { } line)
        {
            var rule = line.Trim();
            if (rule.Length == 0 || rule.StartsWith("//", StringComparison.Ordinal))
            {
                continue;
            }

            var set = rules.Exact;
            if (rule.StartsWith("*.", StringComparison.Ordinal))
            {
                (set, rule) = (rules.Wildcards, rule[2..]);
            }
            else if (rule.StartsWith('!'))
            {
                (set, rule) = (rules.Exceptions, rule[1..]);
            }

            set.Add(HostName.ToLowerAscii(rule));
        }

        if (rules.Exact.Count < 1000)
        {
            throw new InvalidOperationException($"The embedded Public Suffix List has only {rules.Exact.Count} rules; the build is broken.");
        }

        return rules;
    }

    private sealed class Rules
    {
        public HashSet<string> Exact { get; } = new(StringComparer.Ordinal);

        public HashSet<string> Wildcards { get; } = new(StringComparer.Ordinal);

        public HashSet<string> Exceptions { get; } = new(StringComparer.Ordinal);
    }
}
