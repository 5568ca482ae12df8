using System.Globalization;

namespace Pinset.Testing;

/// <summary>A count and its noun, agreeing ("1 byte", "2 bytes"), for the fixtures' messages.</summary>
internal static class Counted
{
    public static string Of(long count, string singular) =>
        string.Create(CultureInfo.InvariantCulture, $"{count} {(count == 1 ? singular : singular + "s")}");
}
