using System.Globalization;
using System.Text;

namespace Pinset.Collector;

/// <summary>
/// The unified diff of a file changed in one place, as <c>diff -u</c> writes it and <c>git apply</c> and
/// <c>patch -p1</c> apply it in the file's directory: <c>--- a/NAME</c> and <c>+++ b/NAME</c>, one hunk with the file's
/// own line numbers and three lines of context, each line as the file has it (a CR of a CRLF ending kept), and
/// "\ No newline at end of file" where the last line has none.
/// </summary>
internal static class UnifiedDiff
{
    private const int Context = 3;

    public static string Create(string name, string before, string after)
    {
        var old = Lines(before);
        var @new = Lines(after);
        int prefix = 0;
        while (prefix < old.Count && prefix < @new.Count && old[prefix] == @new[prefix])
        {
            prefix++;
        }

        int suffix = 0;
        while (suffix < old.Count - prefix && suffix < @new.Count - prefix && old[^(suffix + 1)] == @new[^(suffix + 1)])
        {
            suffix++;
        }

        int start = Math.Max(0, prefix - Context);
        int oldEnd = Math.Min(old.Count, old.Count - suffix + Context);
        int newEnd = Math.Min(@new.Count, @new.Count - suffix + Context);
        var text = new StringBuilder()
            .Append("--- a/").Append(name).Append('\n')
            .Append("+++ b/").Append(name).Append('\n')
            .Append(CultureInfo.InvariantCulture, $"@@ -{Range(start, oldEnd)} +{Range(start, newEnd)} @@\n");
        for (int i = start; i < prefix; i++)
        {
            Line(text, ' ', old[i]);
        }

        for (int i = prefix; i < old.Count - suffix; i++)
        {
            Line(text, '-', old[i]);
        }

        for (int i = prefix; i < @new.Count - suffix; i++)
        {
            Line(text, '+', @new[i]);
        }

        for (int i = old.Count - suffix; i < oldEnd; i++)
        {
            Line(text, ' ', old[i]);
        }

        return text.ToString();
    }

    /// <summary>The lines of <paramref name="text"/>, each with its line feed; the last without one where the text ends without one.</summary>
    private static List<string> Lines(string text)
    {
        var lines = new List<string>();
        int at = 0;
        while (at < text.Length)
        {
            int end = text.IndexOf('\n', at);
            end = end < 0 ? text.Length : end + 1;
            lines.Add(text[at..end]);
            at = end;
        }

        return lines;
    }

    private static void Line(StringBuilder text, char mark, string line)
    {
        text.Append(mark).Append(line);
        if (!line.EndsWith('\n'))
        {
            text.Append("\n\\ No newline at end of file\n");
        }
    }

    /// <summary>A hunk's range: its first line (counted from 1) and how many lines; an empty range names the line before it.</summary>
    private static string Range(int start, int end) => end > start
        ? string.Create(CultureInfo.InvariantCulture, $"{start + 1},{end - start}")
        : string.Create(CultureInfo.InvariantCulture, $"{start},0");
}
