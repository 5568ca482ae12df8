using System.Text;
using System.Text.Json;

namespace Pinset;

/// <summary>Writes a configuration as the JSON document <see cref="PinningConfigurationJson"/> reads, with default values left out.</summary>
public static class PinningConfigurationJsonWriter
{
    /// <summary>
    /// The document, indented, ending with a newline. Pins, hosts and URIs are written as plain text (a pin's <c>+</c> is
    /// not <c>\u002B</c>), so a pin printed by <c>pinset pin</c> is found in the file by eye and by grep; quotes,
    /// backslashes and control characters are still escaped, so the document is valid JSON.
    /// </summary>
    public static string Write(PinningConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            WritePinning(json, configuration);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    /// <summary>Writes the <c>pinning</c> property and its object: what a policy file and a pin bundle's payload share.</summary>
    internal static void WritePinning(Utf8JsonWriter json, PinningConfiguration configuration)
    {
        json.WriteStartObject(PinningConfigurationKeys.Pinning);
        json.WriteStartArray(PinningConfigurationKeys.Policies);
        foreach (var policy in configuration.Policies)
        {
            json.WriteStartObject();
            WriteArray(json, PinningConfigurationKeys.Hosts, policy.Hosts, always: true);
            WriteArray(json, PinningConfigurationKeys.Pins, policy.Pins, always: true);
            WriteArray(json, PinningConfigurationKeys.Certificates, policy.Certificates, always: false);
            WriteArray(json, PinningConfigurationKeys.BannedPins, policy.BannedPins, always: false);
            if (policy.Expires is not null)
            {
                json.WriteString(PinningConfigurationKeys.Expires, policy.Expires);
            }

            if (policy.Mode is not null and not PinningModeNames.Enforce)
            {
                json.WriteString(PinningConfigurationKeys.Mode, policy.Mode);
            }

            WriteArray(json, PinningConfigurationKeys.ReportUris, policy.ReportUris, always: false);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        if (configuration.RequirePinnedHosts)
        {
            json.WriteBoolean(PinningConfigurationKeys.RequirePinnedHosts, true);
        }

        json.WriteEndObject();
    }

    private static void WriteArray(Utf8JsonWriter json, string name, IReadOnlyList<string>? values, bool always)
    {
        if (!always && (values is null || values.Count == 0))
        {
            return;
        }

        json.WriteStartArray(name);
        foreach (var value in values ?? [])
        {
            json.WriteStringValue(value);
        }

        json.WriteEndArray();
    }
}
