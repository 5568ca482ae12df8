using System.Globalization;

namespace Pinset.Formats;

/// <summary>How Android's build tools (aapt2) compile an attribute value that no schema types, as far as a boolean read of it goes.</summary>
internal static class AaptBool
{
    public enum Kind
    {
        /// <summary>A string: Android's <c>getAttributeBooleanValue</c> returns the default.</summary>
        Unrecognised,

        /// <summary><c>true</c>, <c>TRUE</c>, <c>True</c>, <c>false</c>, <c>FALSE</c>, <c>False</c>.</summary>
        Word,

        /// <summary>A decimal or <c>0x</c> hexadecimal integer: true when not zero.</summary>
        Integer,

        /// <summary><c>#rgb</c>, <c>#argb</c>, <c>#rrggbb</c>, <c>#aarrggbb</c>: true when not zero.</summary>
        Colour,
    }

    public static Kind Read(string raw, out bool value)
    {
        value = false;
        var text = raw.AsSpan().Trim(" \t\n\v\f\r");
        if (text is "true" or "TRUE" or "True")
        {
            value = true;
            return Kind.Word;
        }

        if (text is "false" or "FALSE" or "False")
        {
            return Kind.Word;
        }

        if (TryColour(text, out uint colour))
        {
            value = colour != 0;
            return Kind.Colour;
        }

        if (TryInteger(text, out long integer))
        {
            value = integer != 0;
            return Kind.Integer;
        }

        return Kind.Unrecognised;
    }

    /// <summary>The integers of Android's resource compiler: an optional '-', decimal digits within 32 bits, or '0x' and hex digits.</summary>
    private static bool TryInteger(ReadOnlySpan<char> text, out long value)
    {
        value = 0;
        bool negative = text.Length > 0 && text[0] == '-';
        var digits = negative ? text[1..] : text;
        if (digits.Length == 0 || !char.IsAsciiDigit(digits[0]))
        {
            return false;
        }

        if (digits.Length > 1 && digits[0] == '0' && digits[1] == 'x')
        {
            var hex = digits[2..];
            return !negative && hex.Length > 0 && long.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value) && value <= uint.MaxValue;
        }

        if (digits.ContainsAnyExceptInRange('0', '9') || !long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out value))
        {
            return false;
        }

        value = negative ? -value : value;
        return value is >= int.MinValue and <= int.MaxValue;
    }

    private static bool TryColour(ReadOnlySpan<char> text, out uint colour)
    {
        colour = 0;
        if (text.Length is not (4 or 5 or 7 or 9) || text[0] != '#' || text[1..].ContainsAnyExcept("0123456789abcdefABCDEF"))
        {
            return false;
        }

        var hex = text[1..];
        uint parsed = uint.Parse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        colour = hex.Length switch
        {
            3 => 0xFF000000u | parsed, // any colour without alpha is opaque, so never zero
            6 => 0xFF000000u | parsed,
            _ => parsed,
        };
        return true;
    }
}
