using System.Text;
using System.Text.Json;

namespace Pinset.Cli;

/// <summary>Writes the one JSON document a command prints with <c>--json</c>.</summary>
internal static class JsonDocumentWriter
{
    public static string Write(Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            body(json);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    public static void WriteCertificate(Utf8JsonWriter json, ChainCertificate certificate, bool? onValidatedPath = null)
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
