using System.Globalization;
using System.Text;

namespace Pinset;

/// <summary>
/// Reads and writes HPKP's <c>Public-Key-Pins</c> header (RFC 7469). A header carries no host, so reading one takes
/// the host it was served by; <c>includeSubDomains</c> makes the pattern <c>**.host</c>, <c>max-age</c> becomes an
/// expiry counted from the time it is read, and <c>Public-Key-Pins-Report-Only</c> makes a report-only policy.
/// </summary>
public static class HpkpHeader
{
    private const string Enforce = "Public-Key-Pins";
    private const string ReportOnly = "Public-Key-Pins-Report-Only";

    /// <summary>Default <c>max-age</c> when a policy has no expiry: 60 days, as RFC 7469 suggests.</summary>
    public const long DefaultMaxAgeSeconds = 5_184_000;

    /// <summary>One header line per policy; a wildcard policy is written for its domain with <c>includeSubDomains</c>.</summary>
    public static IReadOnlyList<string> Write(PinningConfiguration configuration, DateTimeOffset now, IList<string> warnings)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(warnings);
        var lines = new List<string>();
        for (int i = 0; i < configuration.Policies.Count; i++)
        {
            var policy = configuration.Policies[i];
            var line = new StringBuilder(policy.Mode == "report-only" ? ReportOnly : Enforce).Append(": ");
            line.AppendJoin("; ", PolicyText.Pins(policy).Select(p => p.ToHpkpString()));
            long maxAge = PolicyText.Expiry(policy) is { } expires ? Math.Max(0, (long)(expires - now).TotalSeconds) : DefaultMaxAgeSeconds;
            line.Append("; max-age=").Append(maxAge.ToString(CultureInfo.InvariantCulture));
            if (PolicyText.Hosts(policy).Any(h => h.Kind != HostPatternKind.Exact))
            {
                line.Append("; includeSubDomains");
            }

            foreach (var uri in policy.ReportUris)
            {
                line.Append("; report-uri=\"").Append(uri).Append('"');
            }

            if (policy.Certificates.Count > 0 || policy.BannedPins.Count > 0)
            {
                warnings.Add($"pinning.policies[{i}]: HPKP has no certificate or banned pins; they are left out.");
            }

            lines.Add(line.ToString());
        }

        return lines;
    }

    /// <summary>Reads one header line (with or without its name) served by <paramref name="host"/>.</summary>
    /// <exception cref="PinningConfigurationException">A directive is malformed, or the header has no pins or no max-age.</exception>
    public static PinningConfiguration Read(string header, string host, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(host);
        var text = header.Trim();
        bool reportOnly = false;
        int colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0 && text[..colon].Trim().StartsWith(Enforce, StringComparison.OrdinalIgnoreCase))
        {
            reportOnly = text[..colon].Trim().Equals(ReportOnly, StringComparison.OrdinalIgnoreCase);
            text = text[(colon + 1)..];
        }

        var errors = new List<string>();
        var pins = new List<string>();
        var reportUris = new List<string>();
        long? maxAge = null;
        bool subdomains = false;
        foreach (var raw in text.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            int equals = raw.IndexOf('=', StringComparison.Ordinal);
            string name = (equals < 0 ? raw : raw[..equals]).Trim().ToLowerInvariant();
            string value = equals < 0 ? string.Empty : raw[(equals + 1)..].Trim().Trim('"');
            switch (name)
            {
                case "pin-sha256":
                    pins.Add(SpkiPin.Prefix + value);
                    break;
                case "max-age" when long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds):
                    maxAge = seconds;
                    break;
                case "max-age":
                    errors.Add($"HPKP max-age '{value}' is not a whole number of seconds.");
                    break;
                case "includesubdomains":
                    subdomains = true;
                    break;
                case "report-uri":
                    reportUris.Add(value);
                    break;
                default:
                    errors.Add($"HPKP directive '{raw}' is not one of pin-sha256, max-age, includeSubDomains, report-uri.");
                    break;
            }
        }

        if (pins.Count == 0)
        {
            errors.Add($"HPKP header '{header.Trim()}' has no pin-sha256 directive.");
        }

        if (maxAge is null && errors.Count == 0)
        {
            errors.Add($"HPKP header '{header.Trim()}' has no max-age directive, which RFC 7469 requires.");
        }

        if (errors.Count > 0)
        {
            throw new PinningConfigurationException(errors);
        }

        var expires = now.ToUniversalTime().AddSeconds(Math.Min(maxAge!.Value, (long)TimeSpan.FromDays(3650).TotalSeconds));
        return new PinningConfiguration
        {
            Policies =
            [
                new PinPolicyConfiguration
                {
                    Hosts = [subdomains ? "**." + host : host],
                    Pins = pins,
                    Expires = expires.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                    Mode = reportOnly ? "report-only" : null,
                    ReportUris = reportUris,
                },
            ],
        };
    }
}
