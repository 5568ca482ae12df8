namespace Pinset.Cli;

/// <summary>Lists of names in sentences: "E5–E9 and R10–R14", "A, B and C", at most a dozen before "and N more".</summary>
internal static class NameList
{
    private const int Most = 12;

    /// <summary>The names joined with commas and a final "and"; runs of three or more numbered names (E5, E6, E7) as a range.</summary>
    public static string Join(IEnumerable<string> names)
    {
        var parts = Ranges(names.ToList());
        if (parts.Count > Most)
        {
            parts = [.. parts.Take(Most - 1), $"{parts.Count - Most + 1} more"];
        }

        return parts.Count <= 1 ? string.Concat(parts) : $"{string.Join(", ", parts[..^1])} and {parts[^1]}";
    }

    private static List<string> Ranges(List<string> names)
    {
        var parts = new List<string>();
        for (int i = 0; i < names.Count;)
        {
            int end = i;
            while (end + 1 < names.Count && Follows(names[end], names[end + 1]))
            {
                end++;
            }

            parts.Add(end - i >= 2 ? $"{names[i]}–{names[end]}" : names[i]);
            if (end - i is 1)
            {
                parts.Add(names[end]);
            }

            i = end + 1;
        }

        return parts;
    }

    /// <summary>True for 'R10' then 'R11': the same prefix, and the next number.</summary>
    private static bool Follows(string a, string b)
    {
        var (prefixA, numberA) = Split(a);
        var (prefixB, numberB) = Split(b);
        return numberA is not null && numberB == numberA + 1 && prefixA == prefixB;
    }

    private static (string Prefix, int? Number) Split(string name)
    {
        int digits = name.Length;
        while (digits > 0 && char.IsAsciiDigit(name[digits - 1]))
        {
            digits--;
        }

        return digits < name.Length && digits > 0 && int.TryParse(name.AsSpan(digits), System.Globalization.CultureInfo.InvariantCulture, out int n) ? (name[..digits], n) : (name, null);
    }
}
