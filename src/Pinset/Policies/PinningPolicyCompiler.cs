namespace Pinset;

/// <summary>
/// Turns one <see cref="HostPolicyConfiguration"/> into a <see cref="HostPolicy"/>, collecting every error instead of
/// stopping at the first. It runs at every app's start, so it keeps to arrays and plain loops: generic collections and
/// LINQ over Pinset's value types would each be compiled on first use and cost a cold start tens of milliseconds.
/// </summary>
internal static class PinningPolicyCompiler
{
    /// <summary>
    /// The policy, or null with its errors added. With <paramref name="backupWarnings"/>, the backup-pin rule is a
    /// warning added there instead of an error (for tools that convert policies, which must not refuse to show one).
    /// </summary>
    public static HostPolicy? Compile(int index, HostPolicyConfiguration? configuration, List<string> errors, List<string>? backupWarnings = null)
    {
        if (configuration is null)
        {
            errors.Add($"pinning.policies[{index}] is null; expected a policy object.");
            return null;
        }

        int before = errors.Count;
        void Error(string message) => errors.Add($"{Where(index, configuration)}: {message}");

        var patterns = new HostPattern[configuration.Hosts?.Count ?? 0];
        int patternCount = 0;
        foreach (var host in configuration.Hosts ?? [])
        {
            if (HostPattern.TryParse(host, out var pattern, out var message))
            {
                patterns[patternCount++] = pattern;
            }
            else
            {
                Error(message);
            }
        }

        if (configuration.Hosts is null || configuration.Hosts.Count == 0)
        {
            Error("'hosts' is empty; a policy names at least one host pattern, such as 'api.example.com'.");
        }

        var pins = ParsePins(configuration.Pins, Error);
        var certificates = ParseCertificates(configuration.Certificates, Error);
        var banned = ParsePins(configuration.BannedPins, Error);
        var mode = ParseMode(configuration.Mode, Error);
        var expires = ParseExpiry(configuration.Expires, Error);
        var reportUris = ParseReportUris(configuration.ReportUris, Error);
        int given = (configuration.Pins?.Count ?? 0) + (configuration.Certificates?.Count ?? 0);
        var draft = new Draft(Trimmed(patterns, patternCount), pins, certificates, banned, expires, mode, reportUris, given);
        return Finish(index, draft, Error, errors, before, backupWarnings is null ? null : message => backupWarnings.Add($"{Where(index, configuration)}: {message}"));
    }

    /// <summary>A policy's typed parts, from a configuration's text or from <see cref="PinningPolicyBuilder"/>; pins deduplicated, <paramref name="Given"/> counting repeats.</summary>
    internal sealed record Draft(HostPattern[] Hosts, SpkiPin[] Pins, CertificateFingerprint[] Certificates, SpkiPin[] Banned, DateTimeOffset? Expires, PinningMode Mode, Uri[] ReportUris, int Given);

    /// <summary>
    /// The checks on a policy's typed parts, the same whether they were read or built: pins both pinned and banned, no
    /// pins, and the backup-pin rule, which is an error unless <paramref name="backupWarning"/> takes it as a warning (for a
    /// builder's caller, or a tool converting policies).
    /// </summary>
    internal static HostPolicy? Finish(int index, Draft draft, Action<string> error, List<string> errors, int before, Action<string>? backupWarning = null)
    {
        foreach (var pin in draft.Pins)
        {
            if (Contains(draft.Banned, draft.Banned.Length, pin))
            {
                error($"Pin '{pin}' is both pinned and banned; remove it from one of 'pins' and 'bannedPins'.");
            }
        }

        int distinct = draft.Pins.Length + draft.Certificates.Length;
        if (draft.Given == 0)
        {
            error("'pins' and 'certificates' are both empty; a policy needs the pins that satisfy it.");
        }
        else if (draft.Mode == PinningMode.Enforce && distinct < 2 && errors.Count == before)
        {
            var rule = $"An enforced policy needs at least two distinct pins, one of them a backup key that is not in the chain today, so that a key rotation cannot lock clients out; it has {distinct}{(draft.Given > distinct ? $" ({draft.Given} given, some repeated)" : string.Empty)}. Add a backup pin ('pinset backup-key' makes one), or set 'mode' to 'report-only' while you roll out.";
            (backupWarning ?? error)(rule);
        }

        return errors.Count == before
            ? new HostPolicy(index, draft.Hosts, draft.Pins, draft.Certificates, draft.Banned, draft.Expires, draft.Mode, draft.ReportUris)
            : null;
    }

    /// <summary>Names the policy in its errors, with its hosts as written; made only when there is an error.</summary>
    private static string Where(int index, HostPolicyConfiguration configuration) =>
        $"pinning.policies[{index}]" + (configuration.Hosts is { Count: > 0 } hosts ? $" ('{string.Join("', '", hosts)}')" : string.Empty);

    /// <summary>The valid pins, each once, in the order given; an error for each invalid one.</summary>
    private static SpkiPin[] ParsePins(IReadOnlyList<string>? values, Action<string> error)
    {
        var pins = new SpkiPin[values?.Count ?? 0];
        int count = 0;
        foreach (var value in values ?? [])
        {
            if (!SpkiPin.TryParse(value, out var pin, out var message))
            {
                error(message);
            }
            else if (!Contains(pins, count, pin))
            {
                pins[count++] = pin;
            }
        }

        return Trimmed(pins, count);
    }

    /// <summary>As <see cref="ParsePins"/>, for certificate fingerprints.</summary>
    private static CertificateFingerprint[] ParseCertificates(IReadOnlyList<string>? values, Action<string> error)
    {
        var certificates = new CertificateFingerprint[values?.Count ?? 0];
        int count = 0;
        foreach (var value in values ?? [])
        {
            if (!CertificateFingerprint.TryParse(value, out var certificate, out var message))
            {
                error(message);
            }
            else if (!Contains(certificates, count, certificate))
            {
                certificates[count++] = certificate;
            }
        }

        return Trimmed(certificates, count);
    }

    /// <summary>The first <paramref name="count"/> items; a plain copy, since the framework's slicing of an array of Pinset's structs is compiled on first use.</summary>
    internal static T[] Trimmed<T>(T[] items, int count)
    {
        if (count == items.Length)
        {
            return items;
        }

        var trimmed = new T[count];
        for (int i = 0; i < count; i++)
        {
            trimmed[i] = items[i];
        }

        return trimmed;
    }

    internal static bool Contains<T>(T[] items, int count, T value)
        where T : IEquatable<T>
    {
        for (int i = 0; i < count; i++)
        {
            if (items[i].Equals(value))
            {
                return true;
            }
        }

        return false;
    }

    private static PinningMode ParseMode(string? mode, Action<string> error)
    {
        switch (mode)
        {
            case null or PinningModeNames.Enforce:
                return PinningMode.Enforce;
            case PinningModeNames.ReportOnly:
                return PinningMode.ReportOnly;
            default:
                error($"'mode' is '{mode}'; expected 'enforce' or 'report-only'.");
                return PinningMode.Enforce;
        }
    }

    internal static DateTimeOffset? ParseExpiry(string? expires, Action<string> error)
    {
        if (expires is null)
        {
            return null;
        }

        if (Iso8601.TryParse(expires, out var instant))
        {
            return instant;
        }

        error($"'expires' is '{expires}'; expected an ISO 8601 instant with an offset, such as '2027-06-30T00:00:00Z', or a date, such as '2027-06-30' (midnight UTC).");
        return null;
    }

    /// <summary>What is wrong with a report URI, as a sentence; null when it is a plain absolute http or https URI.</summary>
    internal static string? ReportUriProblem(Uri uri) =>
        !uri.IsAbsoluteUri || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
            ? $"Report URI '{uri.OriginalString}' is not an absolute http or https URI, such as 'https://reports.example.com/pins'."
            : uri.UserInfo.Length > 0
                ? $"Report URI '{uri.OriginalString}' carries a user name or password; a policy is read by everyone who has the app, so a secret in it is no secret. Authenticate the endpoint another way (an ingestion token header on the collector)."
                : null;

    private static Uri[] ParseReportUris(IReadOnlyList<string>? values, Action<string> error)
    {
        var uris = new Uri[values?.Count ?? 0];
        int count = 0;
        foreach (var value in values ?? [])
        {
            if (!Uri.TryCreate(value, UriKind.Absolute, out var uri))
            {
                error($"Report URI '{value}' is not an absolute http or https URI, such as 'https://reports.example.com/pins'.");
            }
            else if (ReportUriProblem(uri) is { } problem)
            {
                error(problem);
            }
            else
            {
                uris[count++] = uri;
            }
        }

        return Trimmed(uris, count);
    }
}
