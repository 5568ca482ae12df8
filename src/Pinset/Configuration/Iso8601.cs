namespace Pinset;

/// <summary>
/// Reads the two forms a policy's <c>expires</c> takes: a date (<c>2027-06-30</c>, midnight UTC) or an instant with an
/// offset (<c>2027-06-30T12:00:00Z</c>, <c>2027-06-30T12:00Z</c>, <c>2027-06-30T12:00:00.5+02:00</c>). Digits only, no
/// culture: the framework's date parsers load globalization data, which cost a cold start about ten milliseconds.
/// </summary>
internal static class Iso8601
{
    public static bool TryParse(string text, out DateTimeOffset instant)
    {
        instant = default;
        var s = text.AsSpan();
        if (s.Length < 10 || !Number(s, 0, 4, out int year) || s[4] != '-' || !Number(s, 5, 2, out int month) || s[7] != '-' || !Number(s, 8, 2, out int day))
        {
            return false;
        }

        int hour = 0, minute = 0, second = 0;
        long fractionTicks = 0;
        var offset = TimeSpan.Zero;
        if (s.Length > 10)
        {
            if (s[10] != 'T' || s.Length < 17 || !Number(s, 11, 2, out hour) || s[13] != ':' || !Number(s, 14, 2, out minute))
            {
                return false;
            }

            int at = 16;
            if (at < s.Length && s[at] == ':')
            {
                if (!Number(s, at + 1, 2, out second))
                {
                    return false;
                }

                at += 3;
                if (at < s.Length && s[at] == '.')
                {
                    int digits = 0;
                    for (at++; at < s.Length && char.IsAsciiDigit(s[at]); at++, digits++)
                    {
                        if (digits < 7)
                        {
                            fractionTicks = (fractionTicks * 10) + (s[at] - '0');
                        }
                    }

                    if (digits == 0)
                    {
                        return false;
                    }

                    for (; digits < 7; digits++)
                    {
                        fractionTicks *= 10;
                    }
                }
            }

            if (!TryOffset(s[at..], out offset))
            {
                return false;
            }
        }

        if (month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(Math.Max(1, year), month) || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        try
        {
            instant = new DateTimeOffset(year, month, day, hour, minute, second, offset).AddTicks(fractionTicks).ToUniversalTime();
            return true;
        }
        catch (ArgumentOutOfRangeException)
        {
            return false;
        }
    }

    private static bool TryOffset(ReadOnlySpan<char> s, out TimeSpan offset)
    {
        offset = TimeSpan.Zero;
        if (s is ['Z'] or ['z'])
        {
            return true;
        }

        if (s.Length != 6 || s[0] is not ('+' or '-') || s[3] != ':' || !Number(s, 1, 2, out int hours) || !Number(s, 4, 2, out int minutes) || hours > 14 || minutes > 59)
        {
            return false;
        }

        offset = new TimeSpan(hours, minutes, 0) * (s[0] == '-' ? -1 : 1);
        return true;
    }

    private static bool Number(ReadOnlySpan<char> s, int at, int length, out int value)
    {
        value = 0;
        if (at + length > s.Length)
        {
            return false;
        }

        foreach (char c in s.Slice(at, length))
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return true;
    }
}
