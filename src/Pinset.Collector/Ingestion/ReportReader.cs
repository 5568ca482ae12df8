using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

namespace Pinset.Collector;

/// <summary>
/// Reads one posted report: RFC 7469 section 3 as browsers, Pinset's reporter and <c>pinset check --report</c> send it,
/// plus Pinset's <c>mode</c>, <c>outcome</c>, <c>app-name</c> and <c>app-version</c>. Untrusted input: anything that is
/// not such a report throws <see cref="ReportRejectedException"/> with a sentence quoting the bad value (shortened).
/// Unknown fields are ignored, so newer senders are accepted. Parsed chains are remembered by their text, so a fleet
/// reporting the same chain costs one certificate parse. Thread-safe.
/// </summary>
internal sealed class ReportReader
{
    /// <summary>A report is an object of strings, numbers and arrays of strings: depth 2. Deeper is refused.</summary>
    public const int MaxDepth = 4;

    /// <summary>The most certificates a reported chain may have.</summary>
    public const int MaxChainLength = 16;

    /// <summary>The most pins <c>known-pins</c> may list.</summary>
    public const int MaxKnownPins = 64;

    /// <summary>The longest <c>app-name</c>, <c>app-version</c> or <c>outcome</c>.</summary>
    public const int MaxFieldLength = 128;

    private const int ChainCacheCapacity = 4096;

    private static readonly JsonDocumentOptions JsonOptions = new() { MaxDepth = MaxDepth };

    private readonly ConcurrentDictionary<string, ChainInfo> _chains = new(StringComparer.Ordinal);

    /// <summary>Reads and validates <paramref name="body"/>.</summary>
    /// <exception cref="ReportRejectedException">The body is not valid JSON, is nested too deeply, or is not a report.</exception>
    public ReceivedReport Read(ReadOnlyMemory<byte> body)
    {
        if (body.Span.Trim(" \t\r\n"u8).IsEmpty)
        {
            throw new ReportRejectedException(RejectionReason.MalformedJson, "The body is empty; send one RFC 7469 report as a JSON object.");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, JsonOptions);
        }
        catch (JsonException ex)
        {
            var detail = ex.Message.Contains("depth", StringComparison.OrdinalIgnoreCase)
                ? $"it is nested deeper than {MaxDepth} levels (a report is an object of strings, numbers and arrays of strings)"
                : $"{ex.Message.TrimEnd('.')}";
            throw new ReportRejectedException(RejectionReason.MalformedJson, $"The body is not a JSON report: {detail}. Send one RFC 7469 report as a JSON object.");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw NotAReport($"The body is a JSON {Describe(root.ValueKind)}, not an object; send one RFC 7469 report as a JSON object per request.");
            }

            if (!root.TryGetProperty("hostname", out var hostElement) || hostElement.ValueKind != JsonValueKind.String)
            {
                throw NotAReport("The JSON object is not a pin-violation report: it has no 'hostname' string (RFC 7469 section 3).");
            }

            var host = ReadHost(Text(hostElement, "'hostname'"), "hostname");
            var port = 0;
            if (root.TryGetProperty("port", out var portElement) && portElement.ValueKind != JsonValueKind.Null)
            {
                if (portElement.ValueKind != JsonValueKind.Number || !portElement.TryGetInt32(out port) || port is < 0 or > 65535)
                {
                    throw NotAReport($"'port' is {Quote(portElement)}; expected a whole number from 0 to 65535.");
                }
            }

            var noted = OptionalString(root, "noted-hostname", 253) is { Length: > 0 } notedText ? ReadHost(notedText, "noted-hostname") : host;
            var includeSubdomains = false;
            if (root.TryGetProperty("include-subdomains", out var include) && include.ValueKind != JsonValueKind.Null)
            {
                includeSubdomains = include.ValueKind switch
                {
                    JsonValueKind.True => true,
                    JsonValueKind.False => false,
                    _ => throw NotAReport($"'include-subdomains' is {Quote(include)}; expected true or false."),
                };
            }

            var mode = OptionalString(root, "mode", MaxFieldLength) ?? ReceivedReport.UnspecifiedMode;
            if (mode is not (PinningModeNames.Enforce or PinningModeNames.ReportOnly or ReceivedReport.UnspecifiedMode))
            {
                throw NotAReport($"'mode' is '{Shorten(mode)}'; expected 'enforce' or 'report-only'.");
            }

            var outcome = OptionalString(root, "outcome", MaxFieldLength) ?? "Unspecified";
            if (outcome.Length == 0 || !outcome.All(char.IsAsciiLetterOrDigit))
            {
                throw NotAReport($"'outcome' is '{Shorten(outcome)}'; expected an outcome name such as 'PinMismatch' (letters and digits).");
            }

            var knownPins = ReadKnownPins(root);
            var validated = ReadChain(root, "validated-certificate-chain");
            var served = ReadChain(root, "served-certificate-chain");
            return new ReceivedReport(
                host, port, noted, includeSubdomains, mode, outcome,
                OptionalString(root, "app-name", MaxFieldLength) ?? string.Empty,
                OptionalString(root, "app-version", MaxFieldLength) ?? string.Empty,
                knownPins, validated, served);
        }
    }

    private static string ReadHost(string value, string field)
    {
        if (value.Length is 0 or > 253 || !HostName.TryNormalize(value, out var normalized))
        {
            throw NotAReport($"'{field}' is '{Shorten(value)}', which is not a host name or IP address.");
        }

        return normalized;
    }

    private static string[] ReadKnownPins(JsonElement root)
    {
        if (!root.TryGetProperty("known-pins", out var array) || array.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        var items = StringArray(array, "known-pins", MaxKnownPins);
        var pins = new string[items.Count];
        for (int i = 0; i < items.Count; i++)
        {
            if (!SpkiPin.TryParse(items[i], out var pin))
            {
                throw NotAReport($"Entry {i + 1} of 'known-pins' is '{Shorten(items[i])}'; expected pin-sha256=\"<base64 of 32 bytes>\".");
            }

            pins[i] = pin.ToString();
        }

        return [.. pins.Distinct(StringComparer.Ordinal)];
    }

    private ChainInfo ReadChain(JsonElement root, string field)
    {
        if (!root.TryGetProperty(field, out var array) || array.ValueKind == JsonValueKind.Null)
        {
            return ChainInfo.Empty;
        }

        var pems = StringArray(array, field, MaxChainLength);
        if (pems.Count == 0)
        {
            return ChainInfo.Empty;
        }

        var key = field[0] + ChainKey(pems);
        if (_chains.TryGetValue(key, out var known))
        {
            return known;
        }

        var certificates = new CertificateInfo[pems.Count];
        for (int i = 0; i < pems.Count; i++)
        {
            certificates[i] = Describe(pems[i], i, field);
        }

        var chain = new ChainInfo(certificates, JsonSerializer.Serialize(certificates, CollectorJson.Default.CertificateInfoArray), string.Join(',', certificates.Select(c => c.Sha256)));
        if (_chains.Count >= ChainCacheCapacity)
        {
            _chains.Clear();
        }

        _chains[key] = chain;
        return chain;
    }

    private static CertificateInfo Describe(string pem, int index, string field)
    {
        X509Certificate2 certificate;
        try
        {
            certificate = X509Certificate2.CreateFromPem(pem);
        }
        catch (CryptographicException)
        {
            throw NotAReport($"Entry {index + 1} of '{field}' is '{Shorten(pem)}', which is not a PEM certificate.");
        }

        using (certificate)
        {
            SpkiPin pin;
            try
            {
                pin = SpkiPin.FromCertificate(certificate);
            }
            catch (PinsetFormatException ex)
            {
                throw NotAReport($"Entry {index + 1} of '{field}': {ex.Message}");
            }

            try
            {
                // Names and extensions are decoded when first read, so a malformed one throws here, not when parsed.
                var authority = certificate.Extensions.OfType<X509BasicConstraintsExtension>().Any(b => b.CertificateAuthority);
                return new CertificateInfo(pin.ToString(), certificate.Subject, certificate.Issuer, authority, Convert.ToHexStringLower(certificate.GetCertHash(HashAlgorithmName.SHA256)));
            }
            catch (CryptographicException ex)
            {
                throw NotAReport($"Entry {index + 1} of '{field}' is a certificate that cannot be read: {ex.Message.TrimEnd('.')}.");
            }
        }
    }

    private static string ChainKey(List<string> pems)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var pem in pems)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(pem));
            hash.AppendData([0]);
        }

        return Convert.ToBase64String(hash.GetHashAndReset());
    }

    private static List<string> StringArray(JsonElement array, string field, int limit)
    {
        if (array.ValueKind != JsonValueKind.Array)
        {
            throw NotAReport($"'{field}' is {Quote(array)}; expected an array of strings.");
        }

        var items = new List<string>();
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                throw NotAReport($"Entry {items.Count + 1} of '{field}' is {Quote(item)}; expected a string.");
            }

            if (items.Count == limit)
            {
                throw NotAReport($"'{field}' has more than {limit} entries; a report lists at most {limit}.");
            }

            items.Add(Text(item, $"Entry {items.Count + 1} of '{field}'"));
        }

        return items;
    }

    private static string? OptionalString(JsonElement root, string field, int maxLength)
    {
        if (!root.TryGetProperty(field, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (element.ValueKind != JsonValueKind.String)
        {
            throw NotAReport($"'{field}' is {Quote(element)}; expected a string.");
        }

        var value = Text(element, $"'{field}'");
        if (value.Length > maxLength)
        {
            throw NotAReport($"'{field}' is {value.Length} characters long ('{Shorten(value)}'); the most accepted is {maxLength}.");
        }

        if (value.Any(char.IsControl))
        {
            throw NotAReport($"'{field}' is '{Shorten(value)}', which holds control characters.");
        }

        return value;
    }

    private static ReportRejectedException NotAReport(string message) => new(RejectionReason.NotAReport, message);

    /// <summary>
    /// A JSON string's value. The parser checks a string's syntax but decodes it only here, where an escaped half of a
    /// surrogate pair or bytes that are not UTF-8 would otherwise surface as <see cref="InvalidOperationException"/>.
    /// </summary>
    private static string Text(JsonElement element, string what)
    {
        try
        {
            return element.GetString()!;
        }
        catch (InvalidOperationException)
        {
            throw NotAReport($"{what} is not valid Unicode text (it escapes half of a surrogate pair or holds bytes that are not UTF-8); send UTF-8 JSON.");
        }
    }

    private static string Quote(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => $"'{Shorten(Text(element, "A value"))}'",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        _ => $"'{Shorten(element.GetRawText())}'",
    };

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => "null",
    };

    /// <summary>
    /// A value as quoted in a message: at most 60 characters, control characters, line separators and invisible format
    /// characters (bidirectional overrides among them) shown as '?', so a sender cannot forge a log line or reorder one.
    /// </summary>
    internal static string Shorten(string value)
    {
        var text = value.Length > 60 ? value[..57] + "..." : value;
        return string.Create(text.Length, text, (span, source) =>
        {
            for (int i = 0; i < source.Length; i++)
            {
                span[i] = char.IsControl(source[i]) || CharUnicodeInfo.GetUnicodeCategory(source[i]) is UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator ? '?' : source[i];
            }
        });
    }
}
