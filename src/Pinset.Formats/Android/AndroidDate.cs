using System.Globalization;

namespace Pinset.Formats;

/// <summary>
/// Java's <c>new SimpleDateFormat("yyyy-MM-dd")</c> with <c>setLenient(false)</c>, as Android parses a pin-set's
/// expiration: spaces and tabs before each number are skipped, numbers take any count of digits, the dashes must be there,
/// the date must exist (no 2015-02-29), and text after the day is ignored.
/// </summary>
internal static class AndroidDate
{
    public static bool TryParse(string text, out int year, out int month, out int day, out int consumed)
    {
        month = day = 0;
        int at = 0;
        if (!Number(text, ref at, out year) || !Dash(text, ref at) || !Number(text, ref at, out month) || !Dash(text, ref at) || !Number(text, ref at, out day))
        {
            consumed = 0;
            return false;
        }

        consumed = at;
        return year >= 1 && month is >= 1 and <= 12 && day >= 1 && day <= DaysIn(year, month);
    }

    private static bool Dash(string text, ref int at)
    {
        if (at < text.Length && text[at] == '-')
        {
            at++;
            return true;
        }

        return false;
    }

    /// <summary>Java's DecimalFormat as SimpleDateFormat uses it: an optional '-', then Unicode decimal digits.</summary>
    private static bool Number(string text, ref int at, out int value)
    {
        value = 0;
        while (at < text.Length && text[at] is ' ' or '\t')
        {
            at++;
        }

        bool negative = at < text.Length && text[at] == '-';
        int start = negative ? at + 1 : at;
        int end = start;
        long number = 0;
        while (end < text.Length && CharUnicodeInfo.GetUnicodeCategory(text[end]) == UnicodeCategory.DecimalDigitNumber && CharUnicodeInfo.GetDecimalDigitValue(text[end]) is var digit and >= 0)
        {
            number = Math.Min((number * 10) + digit, int.MaxValue + 1L);
            end++;
        }

        if (end == start || number > int.MaxValue)
        {
            return false;
        }

        value = (int)(negative ? -number : number);
        at = end;
        return true;
    }

    /// <summary>Days in a month of Java's default calendar: Julian leap years before 1583 (the Gregorian reform), Gregorian after.</summary>
    private static int DaysIn(int year, int month)
    {
        bool leap = year < 1583 ? year % 4 == 0 : (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        return month switch
        {
            2 => leap ? 29 : 28,
            4 or 6 or 9 or 11 => 30,
            _ => 31,
        };
    }
}
