namespace Pinset;

/// <summary>
/// The ICANN section of the Public Suffix List, embedded at build time (refresh it with
/// <c>eng/refresh-public-suffix-list.sh</c>). Read once, on the first wildcard pattern, as one string with a rule per
/// line; a lookup is an ordinal search for the rule's line, so loading builds no tables and needs no globalization
/// data (only a name with an IDN label is converted, to the list's Unicode spelling).
/// </summary>
internal static class PublicSuffixList
{
    private static readonly Lazy<string> Rules = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>True when <paramref name="domain"/> (normalised) is a public suffix: one label, or a rule of the list.</summary>
    public static bool IsPublicSuffix(string domain)
    {
        if (IsPublicSuffixAs(domain))
        {
            return true;
        }

        return domain.Contains("xn--", StringComparison.Ordinal) && HostName.TryToUnicode(domain, out var unicode) && IsPublicSuffixAs(unicode);
    }

    /// <summary>
    /// The wildcard rule that makes every name directly under <paramref name="domain"/> (normalised) a public suffix, such
    /// as <c>*.kawasaki.jp</c> for <c>kawasaki.jp</c>, in the list's own spelling; null when the list has none. A pattern
    /// over such a domain covers the sites registered under each of those suffixes, whatever the list's exceptions
    /// (<c>!city.kawasaki.jp</c>) leave registrable.
    /// </summary>
    public static string? ChildrenRule(string domain)
    {
        if (HasLine("*." + domain))
        {
            return "*." + domain;
        }

        return domain.Contains("xn--", StringComparison.Ordinal) && HostName.TryToUnicode(domain, out var unicode) && HasLine("*." + unicode)
            ? "*." + unicode
            : null;
    }

    /// <summary>The rules, for tests: lines that are not comments.</summary>
    internal static int RuleCount => Rules.Value.AsSpan().Count('\n') - 1 - Comments;

    private const int Comments = 2;

    private static bool IsPublicSuffixAs(string domain)
    {
        if (HasLine("!" + domain))
        {
            return false;
        }

        int dot = domain.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 || HasLine(domain) || HasLine(string.Concat("*.", domain.AsSpan(dot + 1)));
    }

    private static bool HasLine(string rule) => Rules.Value.Contains(string.Concat("\n", rule, "\n"), StringComparison.Ordinal);

    private static string Load()
    {
        using var stream = typeof(PublicSuffixList).Assembly.GetManifestResourceStream("Pinset.public_suffix_list.dat")
            ?? throw new InvalidOperationException("The embedded Public Suffix List 'Pinset.public_suffix_list.dat' is missing from the Pinset assembly; the build is broken.");
        using var reader = new StreamReader(stream);
        string text = "\n" + reader.ReadToEnd().Replace("\r", string.Empty, StringComparison.Ordinal).TrimEnd() + "\n";
        int rules = text.AsSpan().Count('\n') - 1 - Comments;
        return rules < 1000
            ? throw new InvalidOperationException($"The embedded Public Suffix List has only {rules} rules; the build is broken.")
            : text;
    }
}
