
namespace Pinset.Cli;

/// <summary>
/// The HTTP proxy to reach servers through (CONNECT, as corporate networks need), chosen as curl chooses it:
/// <c>--proxy</c>, else <c>https_proxy</c>/<c>HTTPS_PROXY</c>, else <c>all_proxy</c>/<c>ALL_PROXY</c>; an empty
/// <c>--proxy ''</c> means none. Hosts in <c>--noproxy</c>, else <c>no_proxy</c>/<c>NO_PROXY</c>, are reached directly.
/// </summary>
internal sealed record ProxySettings(Uri Address, string Source, IReadOnlyList<string> Bypass)
{
    /// <summary>The proxy's host and port (curl's default port for a proxy is 1080).</summary>
    public string Host => Address.IdnHost;

    public int Port => HasPort(Address.OriginalString) ? Address.Port : 1080;

    /// <summary>The Proxy-Authorization value for credentials in the URL, or null.</summary>
    public string? Authorization => Address.UserInfo.Length == 0 ? null
        : "Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(Uri.UnescapeDataString(Address.UserInfo.Split(':', 2)[0]) + ":" + (Address.UserInfo.Contains(':', StringComparison.Ordinal) ? Uri.UnescapeDataString(Address.UserInfo.Split(':', 2)[1]) : string.Empty)));

    /// <summary>The address without credentials, for messages.</summary>
    public string Display => $"http://{(Address.HostNameType == UriHostNameType.IPv6 ? $"[{Host}]" : Host)}:{Port}";

    /// <summary>True when <paramref name="host"/> is reached through the proxy (not listed in the bypass hosts).</summary>
    public bool Applies(string host)
    {
        foreach (var entry in Bypass)
        {
            if (entry == "*" || host == entry || host.EndsWith("." + entry, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    public static ProxySettings? Read(string? option, string? noProxyOption, Func<string, string?> environment)
    {
        var (value, source) = option is not null ? (option, "--proxy")
            : First(environment, "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY");
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var (noProxy, _) = noProxyOption is not null ? (noProxyOption, "--noproxy") : First(environment, "no_proxy", "NO_PROXY");
        var bypass = (noProxy ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(e => e.TrimStart('.').TrimEnd('.').ToLowerInvariant().Trim('[', ']'))
            .Where(e => e.Length > 0)
            .ToList();

        // A proxy without a scheme is http://, as curl takes it.
        var text = value.Contains("://", StringComparison.Ordinal) ? value : "http://" + value;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var address) || address.Host.Length == 0)
        {
            throw new CliException(ExitCodes.BadInput, $"{source} '{value}' is not a proxy URL such as 'http://proxy.example:3128'.");
        }

        if (address.Scheme != "http")
        {
            throw new CliException(ExitCodes.BadInput, $"{source} '{value}' is a {address.Scheme}:// proxy; pinset connects through HTTP proxies (http://host:port, CONNECT) only.");
        }

        return new ProxySettings(address, source, bypass);
    }

    /// <summary>True when the URL's authority names a port (Uri reports 80 for http:// whether it was written or not).</summary>
    private static bool HasPort(string url)
    {
        var authority = url[(url.IndexOf("://", StringComparison.Ordinal) + 3)..];
        authority = authority[..(authority.IndexOfAny(['/', '?', '#']) is var end and >= 0 ? end : authority.Length)];
        authority = authority[(authority.LastIndexOf('@') + 1)..];
        int colon = authority.LastIndexOf(':');
        return colon > authority.LastIndexOf(']') && colon < authority.Length - 1;
    }

    private static (string? Value, string Source) First(Func<string, string?> environment, params string[] names)
    {
        foreach (var name in names)
        {
            if (environment(name) is { } value)
            {
                return (value, name);
            }
        }

        return (null, names[0]);
    }
}
