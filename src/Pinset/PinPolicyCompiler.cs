using System.Globalization;

namespace Pinset;

/// <summary>Turns one <see cref="PinPolicyConfiguration"/> into a <see cref="PinPolicy"/>, collecting every error instead of stopping at the first.</summary>
internal static class PinPolicyCompiler
{
    private static readonly string[] DateFormats = ["yyyy-MM-dd"];

    public static PinPolicy? Compile(int index, PinPolicyConfiguration? configuration, List<string> errors)
    {
        if (configuration is null)
        {
            errors.Add($"pinning.policies[{index}] is null; expected a policy object.");
            return null;
        }

        string where = $"pinning.policies[{index}]" + (configuration.Hosts is { Count: > 0 } hosts ? $" ({string.Join(", ", hosts.Select(h => $"'{h}'"))})" : string.Empty);
        int before = errors.Count;
        void Error(string message) => errors.Add($"{where}: {message}");

        var patterns = Parse(configuration.Hosts, Error, (string v, out HostPattern p, out string e) => HostPattern.TryParse(v, out p, out e));
        if (configuration.Hosts is null || configuration.Hosts.Count == 0)
        {
            Error("'hosts' is empty; a policy names at least one host pattern, such as 'api.example.com'.");
        }

        var pins = Parse(configuration.Pins, Error, (string v, out SpkiPin p, out string e) => SpkiPin.TryParse(v, out p, out e)).Distinct().ToArray();
        var certificates = Parse(configuration.Certificates, Error, (string v, out CertificateFingerprint p, out string e) => CertificateFingerprint.TryParse(v, out p, out e)).Distinct().ToArray();
        var banned = Parse(configuration.BannedPins, Error, (string v, out SpkiPin p, out string e) => SpkiPin.TryParse(v, out p, out e)).Distinct().ToArray();
        var mode = ParseMode(configuration.Mode, Error);
        var expires = ParseExpiry(configuration.Expires, Error);
        var reportUris = ParseReportUris(configuration.ReportUris, Error);

        foreach (var pin in pins.Intersect(banned))
        {
            Error($"Pin '{pin}' is both pinned and banned; remove it from one of 'pins' and 'bannedPins'.");
        }

        int distinct = pins.Length + certificates.Length;
        int given = (configuration.Pins?.Count ?? 0) + (configuration.Certificates?.Count ?? 0);
        if (given == 0)
        {
            Error("'pins' and 'certificates' are both empty; a policy needs the pins that satisfy it.");
        }
        else if (mode == PinPolicyMode.Enforce && distinct < 2 && errors.Count == before)
        {
            Error($"An enforced policy needs at least two distinct pins, one of them a backup key that is not in the chain today, so that a key rotation cannot lock clients out; it has {distinct}{(given > distinct ? $" ({given} given, some repeated)" : string.Empty)}. Add a backup pin ('pinset backup-key' makes one), or set 'mode' to 'report-only' while you roll out.");
        }

        return errors.Count == before
            ? new PinPolicy(index, patterns.ToArray(), pins, certificates, banned, expires, mode, reportUris.ToArray())
            : null;
    }

    private delegate bool TryParser<T>(string value, out T parsed, out string error);

    private static List<T> Parse<T>(IList<string>? values, Action<string> error, TryParser<T> parser)
    {
        var parsed = new List<T>();
        foreach (var value in values ?? [])
        {
            if (parser(value, out var item, out var message))
            {
                parsed.Add(item);
            }
            else
            {
                error(message);
            }
        }

        return parsed;
    }

    private static PinPolicyMode ParseMode(string? mode, Action<string> error)
    {
        switch (mode)
        {
            case null or "enforce":
                return PinPolicyMode.Enforce;
            case "report-only":
                return PinPolicyMode.ReportOnly;
            default:
                error($"'mode' is '{mode}'; expected 'enforce' or 'report-only'.");
                return PinPolicyMode.Enforce;
        }
    }

    internal static DateTimeOffset? ParseExpiry(string? expires, Action<string> error)
    {
        if (expires is null)
        {
            return null;
        }

        if (DateTimeOffset.TryParseExact(expires, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
        {
            return date;
        }

        bool hasOffset = expires.EndsWith('Z') || expires.EndsWith('z') || (expires.Length > 6 && expires[^6] is '+' or '-' && expires[^3] == ':');
        if (hasOffset && expires.Contains('T', StringComparison.Ordinal)
            && DateTimeOffset.TryParse(expires, CultureInfo.InvariantCulture, DateTimeStyles.None, out var instant))
        {
            return instant.ToUniversalTime();
        }

        error($"'expires' is '{expires}'; expected an ISO 8601 instant with an offset, such as '2027-06-30T00:00:00Z', or a date, such as '2027-06-30' (midnight UTC).");
        return null;
    }

    private static List<Uri> ParseReportUris(IList<string>? values, Action<string> error)
    {
        var uris = new List<Uri>();
        foreach (var value in values ?? [])
        {
            if (Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp))
            {
                uris.Add(uri);
            }
            else
            {
                error($"Report URI '{value}' is not an absolute http or https URI, such as 'https://reports.example.com/pins'.");
            }
        }

        return uris;
    }
}
