using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;

namespace Pinset.AttackTests;

/// <summary>
/// Pinset reads policy JSON with a small reader of its own (the framework's costs a cold start six milliseconds to load).
/// System.Text.Json, with the same settings (comments skipped, no trailing commas, nesting at most 16), is the referee:
/// for generated documents and mutations of them, both accept the same texts and read the same values.
/// </summary>
public sealed class JsonTreePropertyTests
{
    private static readonly JsonDocumentOptions Referee = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = false, MaxDepth = 16 };

    private static Gen<string> Whitespace { get; } = Gen.Elements(string.Empty, string.Empty, " ", "\n", "\t ", "\r\n", " /* c */ ", "// line\n");

    private static Gen<string> StringChars { get; } = Gen.Elements(
        "a", "Z", "0", " ", "é", "公", "😀", "\\\"", "\\\\", "\\/", "\\b", "\\f", "\\n", "\\r", "\\t", "\\u0041", "\\u00e9", "\\uD83D\\uDE00", "\\ud800", "\\uDC00x", "\\x", "\\u12", "\t", "\u0001", "/", "*");

    private static Gen<string> JsonString { get; } = Gen.ListOf(StringChars).Select(parts => "\"" + string.Concat(parts) + "\"");

    private static Gen<string> Number { get; } = Gen.Elements("0", "-0", "7", "-12", "3.25", "1e5", "2E-3", "1.5e+2", "01", "1.", ".5", "-", "1e", "+1", "0x10", "1_0");

    private static Gen<string> Literal { get; } = Gen.Elements("true", "false", "null", "tru", "nul", "True", "truex");

    private static Gen<string> Value(int depth) => depth > 18
        ? Gen.OneOf(JsonString, Number, Literal)
        : Gen.Frequency(
        [
            (3, JsonString),
            (2, Number),
            (1, Literal),
            (2, Later(() => Gen.ListOf(Property(depth + 1)).Select(ps => "{" + string.Join(",", ps.Take(4)) + "}"))),
            (2, Later(() => Gen.ListOf(Value(depth + 1)).Select(items => "[" + string.Join(",", items.Take(4)) + "]"))),
            (1, Gen.Constant("[,]")),
            (1, Gen.Constant("{\"a\":1,}")),
            (1, Gen.Constant(string.Concat(Enumerable.Repeat("[", 17)) + string.Concat(Enumerable.Repeat("]", 17)))),
            (1, Gen.Constant(string.Concat(Enumerable.Repeat("[", 16)) + string.Concat(Enumerable.Repeat("]", 16)))),
        ]);

    private static Gen<string> Property(int depth) =>
        from space in Whitespace
        from name in JsonString
        from value in Value(depth)
        select $"{space}{name}:{space}{value}";

    /// <summary>Builds a nested generator only when it is drawn from, so the recursion is not built out in full.</summary>
    private static Gen<string> Later(Func<Gen<string>> make) => Gen.Constant(0).SelectMany(_ => make());

    private static Gen<string> Document { get; } =
        from lead in Whitespace
        from value in Value(0)
        from trail in Whitespace
        select lead + value + trail;

    [Fact]
    public void GeneratedAndMutatedDocuments_AcceptedAndReadLikeSystemTextJson()
    {
        var inputs = Gen.OneOf(Document, Document.SelectMany(d => HostileGen.MutatedText(d))).ToArbitrary();
        PropertyRun.Check(inputs, text =>
        {
            string? expected = RefereeRead(text);
            string? actual;
            try
            {
                actual = Show(JsonTree.Parse(text, "fuzz"));
            }
            catch (PinningConfigurationException ex)
            {
                Assert.Contains("'fuzz' is not valid", ex.Message, StringComparison.Ordinal);
                actual = null;
            }

            Assert.True(expected == actual, $"For {Quote(text)} System.Text.Json read {expected ?? "(refused)"} and Pinset read {actual ?? "(refused)"}.");
        }, tests: 5000);
    }

    /// <summary>What the referee reads, or null when it refuses the text or a string in it is not text.</summary>
    private static string? RefereeRead(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text, Referee);
            return Show(document.RootElement);
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }

    private static string Show(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "{" + string.Join(",", element.EnumerateObject().Select(p => Quote(p.Name) + ":" + Show(p.Value))) + "}",
        JsonValueKind.Array => "[" + string.Join(",", element.EnumerateArray().Select(Show)) + "]",
        JsonValueKind.String => Quote(element.GetString()!),
        _ => element.GetRawText(),
    };

    private static string Show(JsonNode node) => node.Kind switch
    {
        JsonKind.Object => "{" + string.Join(",", node.Properties.Select(p => Quote(p.Key) + ":" + Show(p.Value))) + "}",
        JsonKind.Array => "[" + string.Join(",", node.Items.Select(Show)) + "]",
        JsonKind.String => Quote(node.Value!),
        _ => node.Raw,
    };

    private static string Quote(string text)
    {
        var quoted = new StringBuilder("'");
        foreach (char c in text)
        {
            quoted.Append(c is < ' ' or > '~' ? $"\\u{(int)c:X4}" : c.ToString());
        }

        return quoted.Append('\'').ToString();
    }
}
