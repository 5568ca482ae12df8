using System.Globalization;

namespace Pinset.Cli;

/// <summary>A server to connect to: <c>https://host[:port]/...</c> or <c>host[:port]</c>.</summary>
internal sealed record ServerTarget(string Host, int Port)
{
    public override string ToString() => Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port}" : $"{Host}:{Port}";

    /// <summary>True when <paramref name="text"/>, not being a server, might have been meant as a file: no scheme and no port.</summary>
    public static bool CouldBeFile(string text) => !text.Contains("://", StringComparison.Ordinal) && !text.Contains(':', StringComparison.Ordinal);

    /// <summary>True when the text names a server rather than a file (an existing file always wins).</summary>
    public static bool TryParse(string text, out ServerTarget target, out string error)
    {
        target = null!;
        error = string.Empty;
        string host;
        int port = 443;
        if (text.StartsWith('-'))
        {
            error = $"'{text}' is not an option of this command; run the command with --help for its options.";
            return false;
        }

        if (text.Contains("://", StringComparison.Ordinal))
        {
            if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != "https" && uri.Scheme != "wss"))
            {
                error = $"Target '{text}' is not an https:// or wss:// URL; give 'https://host[:port]/', 'host[:port]' or a file.";
                return false;
            }

            host = uri.IdnHost;
            port = uri.Port;
        }
        else
        {
            host = text;
            int colon = text.LastIndexOf(':');
            bool bracketed = text.StartsWith('[');
            if (colon > 0 && (bracketed ? text[colon - 1] == ']' : text.IndexOf(':', StringComparison.Ordinal) == colon))
            {
                if (!int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535)
                {
                    error = $"Target '{text}' has the port '{text[(colon + 1)..]}'; a port is a number from 1 to 65535.";
                    return false;
                }

                host = text[..colon];
            }
        }

        if (!HostName.TryNormalize(host, out var normalized))
        {
            error = $"Target '{text}' is not a server: give 'https://host[:port]/' or 'host[:port]'.";
            return false;
        }

        target = new ServerTarget(normalized, port);
        return true;
    }
}
