using System.Text.Json;

namespace Pinset;

/// <summary>
/// Reads the pinning configuration document: <c>{"pinning": {"policies": [...], "requirePinnedHosts": false}}</c>, the
/// same JSON as a standalone policy file or an <c>appsettings.json</c> section. Property names compare ignoring case,
/// as configuration binding does; other top-level properties (an appsettings file's <c>Logging</c>, a <c>$schema</c>)
/// are ignored, but anything unknown inside <c>pinning</c> is an error, so a typo cannot silently drop a pin.
/// Every error in the document is collected and reported at once.
/// </summary>
public static class PinningConfigurationJson
{
    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Skip,
        MaxDepth = 16,
    };

    private static readonly string[] DocumentProperties = ["policies", "requirePinnedHosts"];
    private static readonly string[] PolicyProperties = ["hosts", "pins", "certificates", "bannedPins", "expires", "mode", "reportUris"];

    /// <summary>Reads a configuration document from a file.</summary>
    /// <exception cref="PinningConfigurationException">The file cannot be read, is not JSON, or does not have the document's shape.</exception>
    public static PinningConfiguration Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var errors = new List<string>();
        var configuration = Read(path, errors);
        return errors.Count == 0 ? configuration : throw new PinningConfigurationException(errors);
    }

    internal static PinningConfiguration Read(string path, List<string> errors)
    {
        try
        {
            return Read(File.ReadAllText(path), path, errors);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new PinningConfigurationException($"The policy file '{path}' cannot be read: {ex.Message}", ex);
        }
    }

    /// <summary>Reads a configuration document from JSON text.</summary>
    /// <exception cref="PinningConfigurationException">The text is not JSON, or does not have the document's shape.</exception>
    public static PinningConfiguration Parse(string json, string sourceName = "policy")
    {
        var errors = new List<string>();
        var configuration = Read(json, sourceName, errors);
        return errors.Count == 0 ? configuration : throw new PinningConfigurationException(errors);
    }

    /// <summary>Reads what it can of a document into a configuration, adding shape errors to <paramref name="errors"/>; throws only when nothing can be read.</summary>
    internal static PinningConfiguration Read(string json, string sourceName, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(json);
        if (string.IsNullOrWhiteSpace(json))
        {
            throw new PinningConfigurationException($"'{sourceName}' is empty; expected a JSON document with a 'pinning' object.");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, DocumentOptions);
        }
        catch (JsonException ex)
        {
            throw new PinningConfigurationException($"'{sourceName}' is not valid JSON (it may be truncated): {ex.Message}", ex);
        }
        catch (ArgumentException ex) when (ex.InnerException is System.Text.EncoderFallbackException fallback)
        {
            // A string with a lone UTF-16 surrogate cannot become UTF-8; found by the FsCheck properties of the attack suite.
            throw new PinningConfigurationException(
                $"'{sourceName}' is not valid Unicode: it has a lone surrogate character (\\u{(int)fallback.CharUnknown:X4}) at index {fallback.Index}; expected UTF-16 text.", ex);
        }

        using (document)
        {
            return ReadDocument(document.RootElement, sourceName, errors);
        }
    }

    private static PinningConfiguration ReadDocument(JsonElement root, string sourceName, List<string> errors)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            errors.Add($"'{sourceName}' is a JSON {Describe(root)}; expected an object with a 'pinning' property.");
            return new PinningConfiguration();
        }

        if (!TryGetProperty(root, "pinning", out var pinning))
        {
            errors.Add($"'{sourceName}' has no 'pinning' property; expected {{\"pinning\": {{\"policies\": [...]}}}}.");
            return new PinningConfiguration();
        }

        if (pinning.ValueKind != JsonValueKind.Object)
        {
            errors.Add($"'pinning' is a JSON {Describe(pinning)}; expected an object with 'policies'.");
            return new PinningConfiguration();
        }

        CheckProperties(pinning, "pinning", DocumentProperties, errors);
        var policies = new List<PinPolicyConfiguration>();
        if (TryGetProperty(pinning, "policies", out var array))
        {
            if (array.ValueKind != JsonValueKind.Array)
            {
                errors.Add($"'pinning.policies' is a JSON {Describe(array)}; expected an array of policies.");
            }
            else
            {
                int index = 0;
                foreach (var element in array.EnumerateArray())
                {
                    policies.Add(ReadPolicy(element, $"pinning.policies[{index++}]", errors));
                }
            }
        }

        bool requirePinnedHosts = false;
        if (TryGetProperty(pinning, "requirePinnedHosts", out var require))
        {
            if (require.ValueKind is JsonValueKind.True or JsonValueKind.False)
            {
                requirePinnedHosts = require.GetBoolean();
            }
            else
            {
                errors.Add($"'pinning.requirePinnedHosts' is {require.GetRawText()}; expected true or false.");
            }
        }

        return new PinningConfiguration { Policies = policies, RequirePinnedHosts = requirePinnedHosts };
    }

    private static PinPolicyConfiguration ReadPolicy(JsonElement element, string where, List<string> errors)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            errors.Add($"{where} is a JSON {Describe(element)}; expected a policy object with 'hosts' and 'pins'.");
            return new PinPolicyConfiguration();
        }

        CheckProperties(element, where, PolicyProperties, errors);
        return new PinPolicyConfiguration
        {
            Hosts = ReadStrings(element, "hosts", where, errors),
            Pins = ReadStrings(element, "pins", where, errors),
            Certificates = ReadStrings(element, "certificates", where, errors),
            BannedPins = ReadStrings(element, "bannedPins", where, errors),
            Expires = ReadString(element, "expires", where, errors),
            Mode = ReadString(element, "mode", where, errors),
            ReportUris = ReadStrings(element, "reportUris", where, errors),
        };
    }

    private static List<string> ReadStrings(JsonElement policy, string name, string where, List<string> errors)
    {
        var values = new List<string>();
        if (!TryGetProperty(policy, name, out var array))
        {
            return values;
        }

        if (array.ValueKind != JsonValueKind.Array)
        {
            errors.Add($"{where}.{name} is {array.GetRawText()}; expected an array of strings.");
            return values;
        }

        int index = 0;
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String)
            {
                values.Add(item.GetString()!);
            }
            else
            {
                errors.Add($"{where}.{name}[{index}] is {item.GetRawText()}; expected a string.");
            }

            index++;
        }

        return values;
    }

    private static string? ReadString(JsonElement policy, string name, string where, List<string> errors)
    {
        if (!TryGetProperty(policy, name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.String)
        {
            return value.GetString();
        }

        errors.Add($"{where}.{name} is {value.GetRawText()}; expected a string.");
        return null;
    }

    private static void CheckProperties(JsonElement element, string where, string[] known, List<string> errors)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var property in element.EnumerateObject())
        {
            if (!known.Contains(property.Name, StringComparer.OrdinalIgnoreCase))
            {
                errors.Add($"{where} has an unknown property '{property.Name}'; expected {string.Join(", ", known.Select(k => $"'{k}'"))}.");
            }
            else if (!seen.Add(property.Name))
            {
                errors.Add($"{where} has the property '{property.Name}' twice.");
            }
        }
    }

    private static bool TryGetProperty(JsonElement element, string name, out JsonElement value)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                value = property.Value;
                return true;
            }
        }

        value = default;
        return false;
    }

    private static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Array => "array",
        JsonValueKind.String => $"string {element.GetRawText()}",
        JsonValueKind.Number => $"number {element.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => $"boolean {element.GetRawText()}",
        JsonValueKind.Null => "null",
        _ => "object",
    };
}
