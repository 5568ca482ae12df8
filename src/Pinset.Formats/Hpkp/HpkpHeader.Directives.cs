using System.Globalization;
using System.Text;

namespace Pinset.Formats;

// A header line's parts as browsers split them: its name, its directives (quoted or not, each once), and max-age.
internal static partial class HpkpHeader
{
    /// <summary>The header's name when the line starts with one (<c>Name:</c>, a token before the first colon), else null.</summary>
    private static string? HeaderName(string line)
    {
        int colon = line.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            return null;
        }

        var name = line[..colon].Trim();
        return name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '-') ? name : null;
    }

    private static long? MaxAge(string? value, string where, List<string> errors, IList<string> warnings)
    {
        if (string.IsNullOrEmpty(value) || !value.All(char.IsAsciiDigit))
        {
            errors.Add($"{where} has max-age '{value}'; expected a whole number of seconds, and a browser refuses the header.");
            return null;
        }

        if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out long seconds) || seconds > MaxAgeCapSeconds)
        {
            warnings.Add($"{where}: max-age={value} is more than a browser kept pins for; it is capped at {MaxAgeCapSeconds} seconds (60 days), as Chromium capped it. Set the policy's expiry yourself if the pins should last longer.");
            return MaxAgeCapSeconds;
        }

        if (seconds == 0)
        {
            warnings.Add($"{where}: max-age=0 tells a browser to FORGET this host's pins: the site was un-pinning itself. The converted policy expires at once, so it pins nothing.");
        }

        return seconds;
    }

    /// <summary>
    /// The directives of a header value: <c>name[=value]</c> separated by <c>;</c>, with whitespace around names and
    /// values; a value is a token or a quoted string (double or single quotes, backslash escapes) in which <c>;</c> is
    /// data. Null, with the error, for a value a browser cannot read (unclosed or misquoted, text after a quoted string,
    /// a token with spaces, a name that is not a token).
    /// </summary>
    private static List<(string Name, string? Value, bool Quoted)>? Directives(string value, string where, List<string> errors)
    {
        var directives = new List<(string, string?, bool)>();
        int at = 0;
        while (at < value.Length)
        {
            while (at < value.Length && (char.IsWhiteSpace(value[at]) || value[at] == ';'))
            {
                at++;
            }

            if (at >= value.Length)
            {
                break;
            }

            int start = at;
            while (at < value.Length && (char.IsAsciiLetterOrDigit(value[at]) || value[at] is '-' or '_' or '.'))
            {
                at++;
            }

            string name = value[start..at];
            while (at < value.Length && value[at] is ' ' or '\t')
            {
                at++;
            }

            if (name.Length == 0)
            {
                errors.Add($"{where} has '{value[start..]}' where a directive name was expected, and a browser refuses it.");
                return null;
            }

            if (at >= value.Length || value[at] == ';')
            {
                directives.Add((name, null, false));
                continue;
            }

            if (value[at] != '=')
            {
                errors.Add($"{where} has the directive '{name}' followed by '{value[at..]}'; expected '=' or ';', and a browser refuses the header.");
                return null;
            }

            at++;
            while (at < value.Length && value[at] is ' ' or '\t')
            {
                at++;
            }

            if (at < value.Length && value[at] is '"' or '\'')
            {
                char quote = value[at++];
                var text = new StringBuilder();
                while (at < value.Length && value[at] != quote)
                {
                    if (value[at] == '\\' && at + 1 < value.Length)
                    {
                        at++;
                    }

                    text.Append(value[at++]);
                }

                if (at >= value.Length)
                {
                    errors.Add($"{where}: the value of '{name}' opens a quote ({quote}) that is never closed, and a browser refuses the header.");
                    return null;
                }

                at++;
                while (at < value.Length && value[at] is ' ' or '\t')
                {
                    at++;
                }

                if (at < value.Length && value[at] != ';')
                {
                    errors.Add($"{where}: the quoted value of '{name}' is followed by '{value[at..]}' before the next ';', and a browser refuses the header.");
                    return null;
                }

                directives.Add((name, text.ToString(), true));
                continue;
            }

            int valueStart = at;
            while (at < value.Length && value[at] != ';')
            {
                at++;
            }

            string token = value[valueStart..at].Trim();
            if (token.Any(char.IsWhiteSpace) || token.Contains('"', StringComparison.Ordinal) || token.Contains('\'', StringComparison.Ordinal))
            {
                errors.Add($"{where}: the value of '{name}' is '{token}', which is neither one word nor a quoted string, and a browser refuses the header.");
                return null;
            }

            directives.Add((name, token, false));
        }

        return directives;
    }
}
