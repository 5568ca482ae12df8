using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Pinset;

/// <summary>
/// The pin-violation report of RFC 7469 section 3, as JSON: <c>date-time</c>, <c>hostname</c>, <c>port</c>,
/// <c>effective-expiration-date</c>, <c>include-subdomains</c>, <c>noted-hostname</c>, <c>served-certificate-chain</c>
/// and <c>validated-certificate-chain</c> (PEM), <c>known-pins</c>, plus Pinset's <c>mode</c> and <c>outcome</c>.
/// </summary>
public static class PinViolationReport
{
    /// <summary>The report for a result that matched a policy; its <c>port</c> is the result's (0 where the transport did not reveal it).</summary>
    /// <exception cref="ArgumentException">The result matched no policy, so there is nothing to report against.</exception>
    public static string ToJson(PinValidationResult result, DateTimeOffset now, IReadOnlyDictionary<string, string>? appFields = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        var policy = result.Policy ?? throw new ArgumentException($"The result for '{result.Host}' matched no policy; only policy violations are reported.", nameof(result));
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false }))
        {
            json.WriteStartObject();
            json.WriteString("date-time", now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            json.WriteString("hostname", result.Host);
            json.WriteNumber("port", result.Port);
            if (policy.Expires is { } expires)
            {
                json.WriteString("effective-expiration-date", expires.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            }
            else
            {
                json.WriteNull("effective-expiration-date");
            }

            json.WriteBoolean("include-subdomains", result.MatchedPattern!.Kind != HostPatternKind.Exact);
            json.WriteString("noted-hostname", result.MatchedPattern.Domain);
            WriteArray(json, "served-certificate-chain", result.ServedChain.Select(c => c.ToPem()));
            WriteArray(json, "validated-certificate-chain", result.ValidatedChain.Select(c => c.ToPem()));
            WriteArray(json, "known-pins", policy.Pins.Select(p => p.ToHpkpString()));
            json.WriteString("mode", PinningModeNames.Of(policy.Mode));
            json.WriteString("outcome", (result.EnforcedOutcome ?? result.Outcome).ToString());
            foreach (var (name, value) in appFields ?? new Dictionary<string, string>())
            {
                json.WriteString(name, value);
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteArray(Utf8JsonWriter json, string name, IEnumerable<string> values)
    {
        json.WriteStartArray(name);
        foreach (var value in values)
        {
            json.WriteStringValue(value);
        }

        json.WriteEndArray();
    }
}
