using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Pinset.Cli;

/// <summary>
/// Writes the one JSON document a command prints with <c>--json</c>. It is read by people and by grep as much as by
/// programs: pins, subjects and hosts are plain text (relaxed escaping: a pin's <c>+</c> is not <c>\u002B</c>), and
/// the document is still valid JSON (quotes, backslashes and control characters are escaped).
/// </summary>
internal static class JsonDocumentWriter
{
    public static string Write(Action<Utf8JsonWriter> body) => Write(body, indented: true);

    /// <summary>One object on one line (for standard error, one per message): <paramref name="properties"/> writes its properties.</summary>
    public static string WriteLine(Action<Utf8JsonWriter> properties) => Write(
        json =>
        {
            json.WriteStartObject();
            properties(json);
            json.WriteEndObject();
        },
        indented: false);

    private static string Write(Action<Utf8JsonWriter> body, bool indented)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = indented, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            body(json);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    public static void WriteCertificate(Utf8JsonWriter json, ChainCertificate certificate, bool? onValidatedPath = null, bool? pinned = null)
    {
        json.WriteStartObject();
        json.WriteString("pin", certificate.Pin?.ToString());
        json.WriteString("subject", certificate.Subject);
        json.WriteString("issuer", certificate.Issuer);
        json.WriteString("notAfter", certificate.NotAfter);
        json.WriteString("keyAlgorithm", certificate.KeyAlgorithm);
        json.WriteString("fingerprint", certificate.Fingerprint.ToString());
        if (onValidatedPath is { } onPath)
        {
            json.WriteBoolean("onValidatedPath", onPath);
        }

        if (pinned is { } isPinned)
        {
            json.WriteBoolean("pinned", isPinned);
        }

        json.WriteEndObject();
    }

    public static void WriteStrings(Utf8JsonWriter json, string name, IEnumerable<string> values)
    {
        json.WriteStartArray(name);
        foreach (var value in values)
        {
            json.WriteStringValue(value);
        }

        json.WriteEndArray();
    }
}
