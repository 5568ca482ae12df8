namespace Pinset;

/// <summary>
/// A host pattern of a policy: <c>api.example.com</c>, <c>*.example.com</c> or <c>**.example.com</c>.
/// Patterns are normalised as host names are (<see cref="HostName"/>) and compare by value.
/// </summary>
public sealed record HostPattern
{
    private readonly string _text;

    private HostPattern(HostPatternKind kind, string domain)
    {
        Kind = kind;
        Domain = domain;

        // Made once: metrics tag every validation with it, and the handshake path should not build strings.
        _text = kind switch
        {
            HostPatternKind.Exact => domain,
            HostPatternKind.SingleLabelWildcard => "*." + domain,
            _ => "**." + domain,
        };
    }

    /// <summary>How the pattern matches.</summary>
    public HostPatternKind Kind { get; }

    /// <summary>The normalised name after any wildcard label: <c>example.com</c> for <c>*.example.com</c>.</summary>
    public string Domain { get; }

    /// <summary>Parses a pattern.</summary>
    /// <exception cref="PinsetFormatException">
    /// The pattern is empty, a URL, carries a port, has an empty label or a <c>*</c> anywhere but the whole first
    /// label, or is a wildcard over an IP address or a public suffix such as <c>**.com</c> or <c>*.co.uk</c>, or over a
    /// domain whose every child is a public suffix by the list's wildcard rules, such as <c>**.kawasaki.jp</c>.
    /// </exception>
    public static HostPattern Parse(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        return TryParse(pattern, out var parsed, out var error) ? parsed : throw new PinsetFormatException(error);
    }

    internal static bool TryParse(string? pattern, out HostPattern parsed, out string error)
    {
        parsed = null!;
        var (kind, rest) = pattern switch
        {
            null => (HostPatternKind.Exact, string.Empty),
            _ when pattern.StartsWith("**.", StringComparison.Ordinal) => (HostPatternKind.AnyDepthWildcard, pattern[3..]),
            _ when pattern.StartsWith("*.", StringComparison.Ordinal) => (HostPatternKind.SingleLabelWildcard, pattern[2..]),
            _ => (HostPatternKind.Exact, pattern),
        };

        if (!HostName.TryNormalize(rest, out var domain, out var hostError))
        {
            error = string.IsNullOrEmpty(pattern)
                ? "A host pattern is empty; expected 'api.example.com', '*.example.com' or '**.example.com'."
                : $"Host pattern '{pattern}' is not valid: {hostError}";
            return false;
        }

        if (kind != HostPatternKind.Exact && HostName.IsIPAddress(domain))
        {
            error = $"Host pattern '{pattern}' puts a wildcard over an IP address; pin each address exactly.";
            return false;
        }

        if (kind != HostPatternKind.Exact && PublicSuffixList.IsPublicSuffix(domain))
        {
            error = $"Host pattern '{pattern}' puts a wildcard over the public suffix '{domain}', which would pin every site registered under it; use the registered domain, such as '{pattern![..(pattern!.Length - rest.Length)]}example.{domain}'.";
            return false;
        }

        if (kind != HostPatternKind.Exact && PublicSuffixList.ChildrenRule(domain) is { } rule)
        {
            error = $"Host pattern '{pattern}' puts a wildcard over '{domain}', every name directly under which is a public suffix (the Public Suffix List's rule '{rule}'), so it would pin sites registered by different owners; pin the registered domain itself, such as '{pattern![..(pattern!.Length - rest.Length)]}example.town.{domain}'.";
            return false;
        }

        parsed = new HostPattern(kind, domain);
        error = string.Empty;
        return true;
    }

    /// <summary>
    /// True when <paramref name="host"/>, in any spelling (case, trailing dot, Unicode or punycode, IP literal forms),
    /// matches this pattern. A host that is not a valid name matches nothing.
    /// </summary>
    public bool Matches(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        return HostName.TryNormalize(host, out var normalized) && MatchesNormalized(normalized);
    }

    private bool MatchesNormalized(string host)
    {
        return Kind switch
        {
            HostPatternKind.Exact => host == Domain,
            HostPatternKind.SingleLabelWildcard => IsBelow(host, out int prefix) && host.AsSpan(0, prefix).IndexOf('.') < 0,
            _ => host == Domain || IsBelow(host, out _),
        };
    }

    private bool IsBelow(string host, out int prefixLength)
    {
        prefixLength = host.Length - Domain.Length - 1;
        return prefixLength > 0 && host[prefixLength] == '.' && host.EndsWith(Domain, StringComparison.Ordinal);
    }

    /// <summary>The pattern in its normalised text form.</summary>
    public override string ToString() => _text;
}
