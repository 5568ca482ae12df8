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

    /// <summary>Reads a configuration document from a file.</summary>
    /// <exception cref="PinningConfigurationException">The file cannot be read, is not JSON, or does not have the document's shape.</exception>
    public static PinningConfiguration Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var errors = new List<string>();
        var configuration = Read(path, errors);
        return errors.Count == 0 ? configuration : throw new PinningConfigurationException(errors);
    }

    internal static PinningConfiguration Read(string path, List<string> errors) => Read(ReadFile(path), path, errors);

    /// <summary>The text of the policy file <paramref name="path"/>; every way it can fail is a <see cref="PinningConfigurationException"/> naming the file.</summary>
    internal static string ReadFile(string path)
    {
        if (Directory.Exists(path))
        {
            throw new PinningConfigurationException($"The policy file '{path}' is a directory; give the path of a JSON policy file.");
        }

        if (!File.Exists(path))
        {
            throw new PinningConfigurationException($"The policy file '{path}' does not exist (looked for '{Path.GetFullPath(path)}').");
        }

        try
        {
            return File.ReadAllText(path);
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

        return ReadDocument(JsonTree.Parse(json, sourceName), sourceName, errors);
    }

    internal static PinningConfiguration ReadDocument(JsonNode root, string sourceName, List<string> errors)
    {
        if (root.Kind != JsonKind.Object)
        {
            errors.Add($"'{sourceName}' is a JSON {Describe(root)}; expected an object with a 'pinning' property.");
            return new PinningConfiguration();
        }

        var sections = new List<string>();
        foreach (var (key, _) in root.Properties)
        {
            if (string.Equals(key, PinningConfigurationKeys.Pinning, StringComparison.OrdinalIgnoreCase))
            {
                sections.Add($"'{key}'");
            }
        }

        if (sections.Count > 1)
        {
            // Property names compare ignoring case (as configuration does), so these are one key given twice: which one
            // a reader takes is not for Pinset to guess.
            errors.Add($"'{sourceName}' has {sections.Count} 'pinning' sections ({string.Join(", ", sections)}); names compare ignoring case, so keep exactly one.");
            return new PinningConfiguration();
        }

        if (!TryGetProperty(root, PinningConfigurationKeys.Pinning, out var pinning))
        {
            errors.Add($"'{sourceName}' has no 'pinning' property; expected {{\"pinning\": {{\"policies\": [...]}}}}.");
            return new PinningConfiguration();
        }

        if (pinning.Kind != JsonKind.Object)
        {
            errors.Add($"'pinning' is a JSON {Describe(pinning)}; expected an object with 'policies'.");
            return new PinningConfiguration();
        }

        CheckProperties(pinning, PinningConfigurationKeys.Pinning, PinningConfigurationKeys.DocumentKeys, errors);
        var policies = new List<HostPolicyConfiguration>();
        if (TryGetProperty(pinning, PinningConfigurationKeys.Policies, out var array))
        {
            if (array.Kind != JsonKind.Array)
            {
                errors.Add($"'pinning.policies' is a JSON {Describe(array)}; expected an array of policies.");
            }
            else
            {
                int index = 0;
                foreach (var element in array.Items)
                {
                    policies.Add(ReadPolicy(element, $"pinning.policies[{index++}]", errors));
                }
            }
        }

        bool requirePinnedHosts = false;
        if (TryGetProperty(pinning, PinningConfigurationKeys.RequirePinnedHosts, out var require))
        {
            if (require.Kind is JsonKind.True or JsonKind.False)
            {
                requirePinnedHosts = require.Kind == JsonKind.True;
            }
            else
            {
                errors.Add($"'pinning.requirePinnedHosts' is {require.Raw}; expected true or false.");
            }
        }

        return new PinningConfiguration { Policies = policies, RequirePinnedHosts = requirePinnedHosts };
    }

    private static HostPolicyConfiguration ReadPolicy(JsonNode element, string where, List<string> errors)
    {
        if (element.Kind != JsonKind.Object)
        {
            errors.Add($"{where} is a JSON {Describe(element)}; expected a policy object with 'hosts' and 'pins'.");
            return new HostPolicyConfiguration();
        }

        CheckProperties(element, where, PinningConfigurationKeys.PolicyKeys, errors);
        return new HostPolicyConfiguration
        {
            Hosts = ReadStrings(element, PinningConfigurationKeys.Hosts, where, errors),
            Pins = ReadStrings(element, PinningConfigurationKeys.Pins, where, errors),
            Certificates = ReadStrings(element, PinningConfigurationKeys.Certificates, where, errors),
            BannedPins = ReadStrings(element, PinningConfigurationKeys.BannedPins, where, errors),
            Expires = ReadString(element, PinningConfigurationKeys.Expires, where, errors),
            Mode = ReadString(element, PinningConfigurationKeys.Mode, where, errors),
            ReportUris = ReadStrings(element, PinningConfigurationKeys.ReportUris, where, errors),
        };
    }

    private static List<string> ReadStrings(JsonNode policy, string name, string where, List<string> errors)
    {
        var values = new List<string>();
        if (!TryGetProperty(policy, name, out var array))
        {
            return values;
        }

        if (array.Kind != JsonKind.Array)
        {
            errors.Add($"{where}.{name} is {array.Raw}; expected an array of strings.");
            return values;
        }

        int index = 0;
        foreach (var item in array.Items)
        {
            if (item.Kind == JsonKind.String)
            {
                values.Add(item.Value!);
            }
            else
            {
                errors.Add($"{where}.{name}[{index}] is {item.Raw}; expected a string.");
            }

            index++;
        }

        return values;
    }

    private static string? ReadString(JsonNode policy, string name, string where, List<string> errors)
    {
        if (!TryGetProperty(policy, name, out var value) || value.Kind == JsonKind.Null)
        {
            return null;
        }

        if (value.Kind == JsonKind.String)
        {
            return value.Value;
        }

        errors.Add($"{where}.{name} is {value.Raw}; expected a string.");
        return null;
    }

    private static void CheckProperties(JsonNode element, string where, IReadOnlyList<string> known, List<string> errors)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, _) in element.Properties)
        {
            if (!known.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                errors.Add($"{where} has an unknown property '{name}'; expected '{string.Join("', '", known)}'.");
            }
            else if (!seen.Add(name))
            {
                errors.Add($"{where} has the property '{name}' twice.");
            }
        }
    }

    private static bool TryGetProperty(JsonNode element, string name, out JsonNode value)
    {
        foreach (var (key, found) in element.Properties)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                value = found;
                return true;
            }
        }

        value = null!;
        return false;
    }

    private static string Describe(JsonNode element) => element.Kind switch
    {
        JsonKind.Array => "array",
        JsonKind.String => $"string {element.Raw}",
        JsonKind.Number => $"number {element.Raw}",
        JsonKind.True or JsonKind.False => $"boolean {element.Raw}",
        JsonKind.Null => "null",
        _ => "object",
    };
}
