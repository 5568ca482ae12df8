using System.Buffers;
using System.Text;

namespace Pinset;

/// <summary>
/// The ICANN section of the Public Suffix List, embedded at build time (refresh it with
/// <c>eng/refresh-public-suffix-list.sh</c>). Read once, on the first wildcard pattern, as the resource's UTF-8 bytes
/// with a rule per line, never decoded into a string (decoding 84 KB cost an app's first wildcard policy milliseconds
/// of its start-up); a lookup is a vectorised search for the rule's line in those bytes, so loading builds no tables and
/// needs no globalization data (only a name with an IDN label is converted, to the list's Unicode spelling).
/// </summary>
internal static class PublicSuffixList
{
    private static readonly Lazy<byte[]> Rules = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

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
    internal static int RuleCount => Rules.Value.AsSpan().Count((byte)'\n') - Comments;

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

    /// <summary>True when the list has <paramref name="rule"/> as a line of its own.</summary>
    private static bool HasLine(string rule)
    {
        // The line as bytes, between the line feeds around it: "\nrule\n" (the list's first lines are comments, so every
        // rule follows a line feed, and the file ends with one).
        int length = Encoding.UTF8.GetByteCount(rule) + 2;
        byte[]? rented = null;
        Span<byte> line = length <= 256 ? stackalloc byte[256] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            line[0] = (byte)'\n';
            Encoding.UTF8.GetBytes(rule, line[1..]);
            line[length - 1] = (byte)'\n';
            return Rules.Value.AsSpan().IndexOf(line[..length]) >= 0;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static byte[] Load()
    {
        using var stream = typeof(PublicSuffixList).Assembly.GetManifestResourceStream("Pinset.public_suffix_list.dat")
            ?? throw new InvalidOperationException("The embedded Public Suffix List 'Pinset.public_suffix_list.dat' is missing from the Pinset assembly; the build is broken.");
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        int rules = bytes.AsSpan().Count((byte)'\n') - Comments;
        return rules < 1000 || bytes.AsSpan().Contains((byte)'\r') || bytes[^1] != (byte)'\n' || !bytes.AsSpan().StartsWith("//"u8)
            ? throw new InvalidOperationException($"The embedded Public Suffix List has {rules} rules, or is not the file eng/refresh-public-suffix-list.sh writes (comments first, one rule a line, line feeds only); the build is broken.")
            : bytes;
    }
}
