using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Pinset.Collector;

/// <summary>
/// Adds a pin to the <c>pins</c> array of <c>pinning.policies[i]</c> in a policy file's own text, as a person would:
/// after the last pin, on a line of its own indented as that pin is (or after it on the same line, where the array is
/// written on one line), and with the file's line ending. Nothing else of the text changes. It only places the pin:
/// <see cref="PolicyChange"/> checks with Pinset's loader that the result reads as the intended configuration.
/// </summary>
internal static class PinsInsertion
{
    /// <summary>The text with the pin added; null when the array cannot be found (no such entry, no <c>pins</c>, not plain JSON).</summary>
    public static string? Insert(string text, int index, string pin)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        if (Find(bytes, index) is not var (open, lastStart, lastEnd))
        {
            return null;
        }

        var quoted = JsonSerializer.Serialize(pin, Relaxed);
        if (lastStart < 0)
        {
            return text.Insert(Chars(bytes, open + 1), quoted);
        }

        int at = Chars(bytes, lastStart);
        int lineStart = text.LastIndexOf('\n', at - 1) + 1;
        var indent = text[lineStart..at];
        var separator = indent.Trim().Length == 0 && lineStart > 0
            ? "," + (lineStart >= 2 && text[lineStart - 2] == '\r' ? "\r\n" : "\n") + indent
            : ", ";
        return text.Insert(Chars(bytes, lastEnd), separator + quoted);
    }

    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static int Chars(byte[] bytes, long offset) => Encoding.UTF8.GetCharCount(bytes, 0, (int)offset);

    /// <summary>
    /// Where <c>pinning.policies[index].pins</c> is (names compare ignoring case, as Pinset's loader reads them): its
    /// '[' and the first and last byte of its last value (-1 when it is empty).
    /// </summary>
    private static (long Open, long LastStart, long LastEnd)? Find(byte[] bytes, int index)
    {
        // Comments are skipped, as Pinset's loader skips them.
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        var path = new List<string>();
        string? property = null;
        var counters = new Stack<int>();
        long open = -1, lastStart = -1, lastEnd = -1;
        try
        {
            while (reader.Read())
            {
                bool inArray = counters.Count > 0 && counters.Peek() >= 0;
                string? position = inArray ? $"[{counters.Peek()}]" : property;
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        property = reader.GetString();
                        continue;
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        path.Add(position ?? "$");
                        counters.Push(reader.TokenType == JsonTokenType.StartArray ? 0 : -1);
                        if (IsTarget(path, index))
                        {
                            open = reader.TokenStartIndex;
                        }

                        continue;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        if (IsTarget(path, index))
                        {
                            return (open, lastStart, lastEnd);
                        }

                        path.RemoveAt(path.Count - 1);
                        counters.Pop();
                        break;
                    default:
                        if (inArray && path.Count > 0 && IsTarget(path, index))
                        {
                            lastStart = reader.TokenStartIndex;
                            lastEnd = reader.BytesConsumed;
                        }

                        break;
                }

                // A value ended: the array it is in moves to its next element.
                if (counters.Count > 0 && counters.Peek() >= 0)
                {
                    counters.Push(counters.Pop() + 1);
                }
            }
        }
        catch (JsonException)
        {
            return null;
        }

        return null;
    }

    private static bool IsTarget(List<string> path, int index) =>
        path is ["$", var pinning, var policies, var entry, var pins]
        && pinning.Equals("pinning", StringComparison.OrdinalIgnoreCase)
        && policies.Equals("policies", StringComparison.OrdinalIgnoreCase)
        && entry == $"[{index}]"
        && pins.Equals("pins", StringComparison.OrdinalIgnoreCase);
}
