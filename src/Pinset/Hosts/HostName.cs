using System.Text;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Pinset;

/// <summary>
/// Brings a host name to the one form that patterns and connections are compared in: lower case, IDN as
/// punycode, one trailing dot removed, IP literals in their canonical text. A name already in that form is
/// returned as the same string, without allocating.
/// </summary>
public static class HostName
{
    private const int MaxLength = 253;
    private const int MaxLabelLength = 63;

    /// <summary>Normalises a host name.</summary>
    /// <exception cref="PinsetFormatException">The value is not a host name: a URL, a name with a port, an empty label, a bad character.</exception>
    public static string Normalize(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        return TryNormalize(host, out var normalized, out var error) ? normalized : throw new PinsetFormatException(error);
    }

    /// <summary>Normalises a host name; returns false instead of throwing.</summary>
    public static bool TryNormalize(string? host, out string normalized) => TryNormalize(host, out normalized, out _);

    internal static bool TryNormalize(string? host, out string normalized, out string error)
    {
        normalized = string.Empty;
        if (string.IsNullOrEmpty(host))
        {
            error = "A host name is empty; expected a name such as 'api.example.com'.";
            return false;
        }

        if (host.Contains("://", StringComparison.Ordinal) || host.AsSpan().IndexOfAny('/', '?', '#') >= 0 || host.Contains('@', StringComparison.Ordinal))
        {
            error = $"Host '{host}' is a URL or a path, not a host name; give the name alone, such as 'api.example.com'.";
            return false;
        }

        if (host[0] == '[' || host.Contains(':', StringComparison.Ordinal))
        {
            return TryIPv6(host, out normalized, out error);
        }

        if (IsCanonicalAscii(host))
        {
            normalized = host;
            return CheckLabels(host, host, out error);
        }

        var name = host.EndsWith('.') ? host[..^1] : host;
        if (name.Length == 0 || name.EndsWith('.'))
        {
            error = $"Host '{host}' has an empty label; only one trailing dot is allowed.";
            return false;
        }

        if (LooksNumeric(name))
        {
            return TryIPv4(host, name, out normalized, out error);
        }

        try
        {
            name = ToLowerAscii(name);
        }
        catch (ArgumentException)
        {
            error = $"Host '{host}' is not a valid internationalised domain name; it cannot be converted to punycode.";
            return false;
        }

        normalized = name;
        return CheckLabels(host, name, out error);
    }

    /// <summary>Lower case, and punycode for anything beyond ASCII.</summary>
    /// <exception cref="ArgumentException">The name is not a valid internationalised domain name.</exception>
    internal static string ToLowerAscii(string name) => Ascii.IsValid(name) ? LowerAscii(name) : LowerAscii(Idn.Mapping.GetAscii(name));

    /// <summary>The Unicode spelling of a punycode name, as the Public Suffix List writes IDN rules.</summary>
    internal static bool TryToUnicode(string name, out string unicode)
    {
        try
        {
            unicode = Idn.Mapping.GetUnicode(name);
            return true;
        }
        catch (ArgumentException)
        {
            unicode = string.Empty;
            return false;
        }
    }

    /// <summary>ASCII lower case without the culture machinery (which would load globalization data at start-up).</summary>
    private static string LowerAscii(string ascii) => string.Create(ascii.Length, ascii, static (lower, source) => Ascii.ToLower(source, lower, out _));

    /// <summary>True when the normalised name is an IPv4 or IPv6 literal.</summary>
    internal static bool IsIPAddress(string normalized) =>
        normalized.Contains(':', StringComparison.Ordinal) || (normalized.Length > 0 && char.IsAsciiDigit(normalized[^1]) && IPAddress.TryParse(normalized, out _));

    private static bool IsCanonicalAscii(string host)
    {
        foreach (char c in host)
        {
            if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '.' or '_'))
            {
                return false;
            }
        }

        return host[^1] != '.' && !LooksNumeric(host);
    }

    private static bool LooksNumeric(string name)
    {
        int lastDot = name.LastIndexOf('.');
        var last = name.AsSpan(lastDot + 1);
        return last.Length > 0 && (char.IsAsciiDigit(last[0]) && (!last.ContainsAnyExceptInRange('0', '9') || last.StartsWith("0x", StringComparison.OrdinalIgnoreCase)));
    }

    private static bool TryIPv4(string host, string name, out string normalized, out string error)
    {
        normalized = string.Empty;
        if (!IPAddress.TryParse(name, out var address) || address.AddressFamily != AddressFamily.InterNetwork)
        {
            error = $"Host '{host}' ends in a numeric label but is not an IPv4 address; top-level domains are never numeric.";
            return false;
        }

        normalized = address.ToString();
        error = string.Empty;
        return true;
    }

    /// <summary>
    /// An IPv6 literal, with or without brackets. A zone id (<c>fe80::1%eth0</c>, <c>::1%1</c>) names the local interface,
    /// not the server, and no certificate can hold it, so it is dropped; an IPv4-mapped address (<c>::ffff:127.0.0.1</c>)
    /// is the IPv4 address it maps, so a policy for one applies to both spellings.
    /// </summary>
    private static bool TryIPv6(string host, out string normalized, out string error)
    {
        normalized = string.Empty;
        var inner = host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
        int zone = inner.IndexOf('%', StringComparison.Ordinal);
        bool zoneOk = zone < 0 || IsZoneId(inner.AsSpan(zone + 1));
        var address = zone < 0 ? inner : inner[..zone];
        if (!zoneOk || !address.Contains(':', StringComparison.Ordinal) || !IPAddress.TryParse(address, out var ip) || ip.AddressFamily != AddressFamily.InterNetworkV6)
        {
            error = zoneOk
                ? $"Host '{host}' has a ':' but is not an IPv6 address; host names carry no port (put the port elsewhere)."
                : $"Host '{host}' has an IPv6 zone id that is empty or holds characters other than letters, digits, '-', '.', '_' and '~'.";
            return false;
        }

        normalized = (ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip).ToString();
        error = string.Empty;
        return true;
    }

    private static bool IsZoneId(ReadOnlySpan<char> zone)
    {
        foreach (char c in zone)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~'))
            {
                return false;
            }
        }

        return !zone.IsEmpty;
    }

    private static bool CheckLabels(string original, string name, out string error)
    {
        if (name.Length > MaxLength)
        {
            error = $"Host '{original}' is {name.Length} characters long; a DNS name has at most {MaxLength}.";
            return false;
        }

        foreach (var range in name.AsSpan().Split('.'))
        {
            var label = name.AsSpan()[range];
            if (label.IsEmpty)
            {
                error = $"Host '{original}' has an empty label; expected labels separated by single dots.";
                return false;
            }

            if (label.Length > MaxLabelLength)
            {
                error = $"Host '{original}' has the label '{label}' of {label.Length} characters; a DNS label has at most {MaxLabelLength}.";
                return false;
            }

            if (label[0] == '-' || label[^1] == '-')
            {
                error = $"Host '{original}' has the label '{label}', which starts or ends with '-'; DNS labels do not.";
                return false;
            }

            foreach (char c in label)
            {
                if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '_'))
                {
                    error = c == '*'
                        ? $"Host '{original}' has a '*' inside it; a wildcard may only be the whole first label of a pattern ('*.example.com' or '**.example.com')."
                        : $"Host '{original}' has the character '{c}' in the label '{label}'; a host label holds letters, digits, '-' and '_'.";
                    return false;
                }
            }
        }

        error = string.Empty;
        return true;
    }

    /// <summary>The IDN mapping, made on first use: creating it loads globalization data, which ASCII names never need.</summary>
    private static class Idn
    {
        public static readonly IdnMapping Mapping = new() { AllowUnassigned = false, UseStd3AsciiRules = false };
    }
}
