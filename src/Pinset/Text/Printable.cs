using System.Globalization;
using System.Text;

namespace Pinset;

/// <summary>
/// Text a peer controls (a certificate's subject or issuer, a server's or proxy's answer), made safe to write to a log
/// or a terminal as it is: every control character (C0, DEL, C1), line and paragraph separator, and bidirectional
/// override is written as <c>\uXXXX</c>. A subject cannot then add a forged log line ("pin check passed; forwarding"),
/// move the cursor or recolour a terminal, or reorder what a reader sees. Text with none of them is returned as it is.
/// </summary>
internal static class Printable
{
    public static string Escape(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int first = IndexOfUnsafe(text);
        if (first < 0)
        {
            return text;
        }

        var escaped = new StringBuilder(text.Length + 16).Append(text, 0, first);
        foreach (char c in text.AsSpan(first))
        {
            if (IsUnsafe(c))
            {
                escaped.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
            }
            else
            {
                escaped.Append(c);
            }
        }

        return escaped.ToString();
    }

    private static int IndexOfUnsafe(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            if (IsUnsafe(text[i]))
            {
                return i;
            }
        }

        return -1;
    }

    private static bool IsUnsafe(char c) =>
        c < 0x20 || c is >= '\u007F' and <= '\u009F'
        || c is '\u2028' or '\u2029' // line and paragraph separators
        || c is >= '\u202A' and <= '\u202E' || c is >= '\u2066' and <= '\u2069' || c is '\u200E' or '\u200F' or '\u061C'; // bidirectional controls
}
