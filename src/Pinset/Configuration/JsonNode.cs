namespace Pinset;

/// <summary>The kinds of JSON value <see cref="JsonTree"/> reads.</summary>
internal enum JsonKind
{
    Object,
    Array,
    String,
    Number,
    True,
    False,
    Null,
}

/// <summary>
/// One JSON value as <see cref="JsonTree"/> read it: its kind, its text as written (for messages), a string's value, an
/// object's properties in order, an array's items.
/// </summary>
internal sealed class JsonNode(JsonKind kind, string raw)
{
    public JsonKind Kind { get; } = kind;

    /// <summary>The value as written in the document, quotes and escapes included.</summary>
    public string Raw { get; } = raw;

    public string? Value { get; init; }

    public IReadOnlyList<KeyValuePair<string, JsonNode>> Properties { get; init; } = [];

    public IReadOnlyList<JsonNode> Items { get; init; } = [];
}
