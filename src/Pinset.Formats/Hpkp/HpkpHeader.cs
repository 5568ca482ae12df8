using System.Globalization;
using System.Text;

namespace Pinset.Formats;

/// <summary>
/// Reads and writes HPKP's <c>Public-Key-Pins</c> header (RFC 7469), read the way browsers read it (Chromium's former
/// parser is the reference for the edge cases). A header carries no host, so reading one takes the host it was served
/// by; <c>includeSubDomains</c> makes the pattern <c>**.host</c>, <c>max-age</c> becomes an expiry counted from the
/// time it is read, and <c>Public-Key-Pins-Report-Only</c> makes a report-only policy.
/// </summary>
internal static partial class HpkpHeader
{
    private const string Enforce = "Public-Key-Pins";
    private const string ReportOnly = "Public-Key-Pins-Report-Only";

    /// <summary>Default <c>max-age</c> when a policy has no expiry: 60 days, as RFC 7469 suggests.</summary>
    public const long DefaultMaxAgeSeconds = 5_184_000;

    /// <summary>The longest <c>max-age</c> a browser kept pins for: 60 days (Chromium's cap); a longer one is capped.</summary>
    public const long MaxAgeCapSeconds = 5_184_000;

    /// <summary>
    /// One header line per policy; a wildcard policy is written for its domain with <c>includeSubDomains</c>. A header
    /// names no host, so each line's hosts are given in the warnings, as is anything HPKP cannot hold.
    /// </summary>
    public static IReadOnlyList<string> Write(PinningConfiguration configuration, DateTimeOffset now, IList<string> warnings)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(warnings);
        var lines = new List<string>();
        for (int i = 0; i < configuration.Policies.Count; i++)
        {
            var policy = configuration.Policies[i];
            string where = $"pinning.policies[{i}]";
            var line = new StringBuilder(policy.Mode == PinningModeNames.ReportOnly ? ReportOnly : Enforce).Append(": ");
            line.AppendJoin("; ", PolicyText.Pins(policy).Select(p => p.ToHpkpString()));
            long maxAge = PolicyText.Expiry(policy) is { } expires ? Math.Max(0, (long)(expires - now).TotalSeconds) : DefaultMaxAgeSeconds;
            line.Append("; max-age=").Append(maxAge.ToString(CultureInfo.InvariantCulture));
            var hosts = PolicyText.Hosts(policy).ToList();
            if (hosts.Any(h => h.Kind != HostPatternKind.Exact))
            {
                line.Append("; includeSubDomains");
            }

            foreach (var uri in policy.ReportUris)
            {
                // A quote, backslash or line break would end the quoted value and write directives (pins, includeSubDomains)
                // or whole headers the policy does not have.
                if (uri.Any(c => c is '"' or '\\' || char.IsControl(c)))
                {
                    throw new PinsetFormatException($"{where}: the report URI '{uri.ReplaceLineEndings("\\n")}' holds a quote, backslash or control character, which would end HPKP's quoted report-uri and change the header; percent-encode it (%22 for a quote).");
                }

                line.Append("; report-uri=\"").Append(uri).Append('"');
            }

            warnings.Add($"{where}: an HPKP header names no host; serve line {lines.Count + 1} from {string.Join(", ", hosts.Select(h => $"'{h.Domain}'"))}.");
            if (hosts.Any(h => h.Kind != HostPatternKind.Exact) && hosts.Any(h => h.Kind == HostPatternKind.Exact) || hosts.Any(h => h.Kind == HostPatternKind.SingleLabelWildcard))
            {
                warnings.Add($"{where}: HPKP's includeSubDomains covers every name below the host and the host itself, so the header pins more names than '{string.Join("', '", policy.Hosts)}'.");
            }

            if (policy.Expires is null)
            {
                warnings.Add($"{where}: the policy has no expiry; the header says max-age={DefaultMaxAgeSeconds} (60 days), after which a browser forgets the pins unless the header is served again.");
            }
            else if (maxAge > MaxAgeCapSeconds)
            {
                warnings.Add($"{where}: the policy runs to {PolicyText.Expiry(policy)!.Value.UtcDateTime:yyyy-MM-dd}, so the header says max-age={maxAge}; browsers keep pins for at most 60 days, so serve the header again within 60 days.");
            }
            else if (maxAge == 0)
            {
                warnings.Add($"{where}: the policy has expired, so the header says max-age=0, which tells a browser to forget the pins.");
            }

            if (policy.Certificates.Count > 0)
            {
                warnings.Add($"{where}: HPKP has no certificate pins; {policy.Certificates.Count} are left out, so fewer pins remain.");
            }

            if (policy.BannedPins.Count > 0)
            {
                warnings.Add($"{where}: HPKP has no banned pins; {policy.BannedPins.Count} are left out, so those keys are no longer refused.");
            }

            lines.Add(line.ToString());
        }

        return lines;
    }

    /// <summary>Reads one header line (with or without its name) served by <paramref name="host"/>; warnings are discarded.</summary>
    /// <exception cref="PinningConfigurationException">The header is one a browser would refuse.</exception>
    public static PinningConfiguration Read(string header, string host, DateTimeOffset now) => Read(header, host, now, new List<string>());

    /// <summary>
    /// Reads every header line of <paramref name="text"/> (blank lines are skipped), each a <c>Public-Key-Pins</c> or
    /// <c>Public-Key-Pins-Report-Only</c> header, with or without its name, served by <paramref name="host"/>. A line a
    /// browser would refuse whatever chain it came with refuses the whole text; what a browser ignores, caps or reads
    /// differently from what a reader might expect is a warning. A header with a single pin is read, with a warning: a
    /// browser refuses it only because no backup pin can be both in and out of the served chain, and the converted policy
    /// is where the user adds the backup pin (Pinset refuses to load it until then).
    /// </summary>
    /// <exception cref="PinningConfigurationException">A header is one a browser would refuse, or two headers of one kind pin the same host.</exception>
    public static PinningConfiguration Read(string text, string host, DateTimeOffset now, IList<string> warnings)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(warnings);
        var errors = new List<string>();
        var policies = new List<HostPolicyConfiguration>();
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        int headers = lines.Count(l => l.Trim().Length > 0);
        bool seenEnforced = false, seenReportOnly = false;
        for (int i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0)
            {
                continue;
            }

            string where = headers > 1 ? $"HPKP header on line {i + 1}" : "HPKP header";
            var lineErrors = new List<string>();
            var policy = ReadLine(line, where, host, now, warnings, lineErrors, out bool reportOnly);
            errors.AddRange(lineErrors);
            if (policy is null)
            {
                continue;
            }

            if (reportOnly ? seenReportOnly : seenEnforced)
            {
                errors.Add($"{where} is a second {(reportOnly ? ReportOnly : Enforce)} header for '{host}'; a browser keeps one of each, and Pinset has one policy per host. Convert them one at a time.");
                continue;
            }

            if (reportOnly ? seenEnforced : seenReportOnly)
            {
                errors.Add($"{where}: '{host}' has both a {Enforce} and a {ReportOnly} header; Pinset has one policy per host, so convert them one at a time (the report-only one tries out the next pins).");
                continue;
            }

            (seenEnforced, seenReportOnly) = (seenEnforced || !reportOnly, seenReportOnly || reportOnly);
            policies.Add(policy);
        }

        if (headers == 0)
        {
            errors.Add("The HPKP input is empty; expected a Public-Key-Pins header line.");
        }

        return errors.Count == 0 ? new PinningConfiguration { Policies = policies } : throw new PinningConfigurationException(errors);
    }

    private static HostPolicyConfiguration? ReadLine(string line, string where, string host, DateTimeOffset now, IList<string> warnings, List<string> errors, out bool reportOnly)
    {
        reportOnly = false;
        var value = line;
        if (HeaderName(line) is { } name)
        {
            if (name.Equals(ReportOnly, StringComparison.OrdinalIgnoreCase))
            {
                reportOnly = true;
            }
            else if (!name.Equals(Enforce, StringComparison.OrdinalIgnoreCase))
            {
                errors.Add($"{where} is a '{name}' header; expected {Enforce} or {ReportOnly}.");
                return null;
            }

            value = line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..];
        }

        var directives = Directives(value, where, errors);
        if (directives is null)
        {
            return null;
        }

        var pins = new List<string>();
        var reportUris = new List<string>();
        long? maxAge = null;
        bool subdomains = false;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (rawName, directiveValue, quoted) in directives)
        {
            string directive = rawName.ToLowerInvariant();
            if (directive != "pin-sha256" && !seen.Add(directive) && directive is "max-age" or "includesubdomains" or "report-uri")
            {
                errors.Add($"{where} has the directive '{rawName}' twice; RFC 7469 allows each once, and a browser refuses the header.");
                continue;
            }

            switch (directive)
            {
                case "pin-sha256" when !quoted:
                    errors.Add($"{where} has the pin '{directiveValue}' without quotes; a pin is a quoted string (pin-sha256=\"...\"), and a browser refuses the header.");
                    break;
                case "pin-sha256":
                    if (SpkiPin.TryParse(SpkiPin.Prefix + directiveValue, out var pin, out var message))
                    {
                        pins.Add(pin.ToString());
                    }
                    else
                    {
                        errors.Add($"{where} has the pin '{directiveValue}', which is not a SHA-256 pin: {message}");
                    }

                    break;
                case "max-age":
                    maxAge = MaxAge(directiveValue, where, errors, warnings);
                    break;
                case "includesubdomains":
                    subdomains = true;
                    if (directiveValue is not null)
                    {
                        warnings.Add($"{where}: includeSubDomains takes no value; '{directiveValue}' is ignored, as a browser ignores it.");
                    }

                    break;
                case "report-uri" when !quoted || string.IsNullOrEmpty(directiveValue):
                    errors.Add($"{where} has report-uri '{directiveValue}'; a report URI is a non-empty quoted string (report-uri=\"https://...\"), and a browser refuses the header.");
                    break;
                case "report-uri" when Uri.TryCreate(directiveValue, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp):
                    reportUris.Add(directiveValue);
                    break;
                case "report-uri":
                    errors.Add($"{where} has report-uri '{directiveValue}', which is not an absolute http or https URI.");
                    break;
                default:
                    warnings.Add($"{where}: the directive '{rawName}' is not one Pinset or RFC 7469 knows; it is ignored, as a browser ignores it.");
                    break;
            }
        }

        if (pins.Count == 0 && errors.Count == 0)
        {
            errors.Add($"{where} has no pin-sha256 directive; a browser refuses it.");
        }

        if (maxAge is null && !reportOnly && errors.Count == 0)
        {
            errors.Add($"{where} has no max-age directive, which RFC 7469 requires; a browser refuses it.");
        }

        if (errors.Count > 0)
        {
            return null;
        }

        if (pins.Distinct().Count() < 2)
        {
            warnings.Add($"{where} has one pin; a browser refuses a header without a backup pin (one not in the served chain).");
        }

        return new HostPolicyConfiguration
        {
            Hosts = [subdomains ? "**." + host : host],
            Pins = pins,
            Expires = maxAge is { } seconds ? now.ToUniversalTime().AddSeconds(seconds).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) : null,
            Mode = reportOnly ? PinningModeNames.ReportOnly : null,
            ReportUris = reportUris,
        };
    }
}
