using System.Globalization;

namespace Pinset;

/// <summary>A count and its noun, agreeing: "1 byte", "2 bytes", "0 policies". Every message that counts says it this way.</summary>
internal static class Plural
{
    /// <summary><paramref name="count"/> and the noun: <paramref name="singular"/> for one, else <paramref name="plural"/> (the singular and 's' unless given).</summary>
    public static string Count(long count, string singular, string? plural = null) =>
        string.Create(CultureInfo.InvariantCulture, $"{count} {(count == 1 ? singular : plural ?? singular + "s")}");
}
