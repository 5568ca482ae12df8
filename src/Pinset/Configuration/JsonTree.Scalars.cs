using System.Globalization;
using System.Text;

namespace Pinset;

// Strings (escapes, surrogates) and numbers, as RFC 8259 spells them.
internal ref partial struct JsonTree
{
    private JsonNode ReadString()
    {
        int start = _at++;
        StringBuilder? escaped = null;
        int run = _at;
        while (true)
        {
            if (_at >= _text.Length)
            {
                _at = start;
                throw Error("a string is not closed (the document may be truncated)");
            }

            char c = _text[_at];
            if (c == '"')
            {
                string value = escaped is null ? _text[run.._at] : escaped.Append(_text, run, _at - run).ToString();
                _at++;
                return new JsonNode(JsonKind.String, _text[start.._at]) { Value = value };
            }

            if (c < ' ')
            {
                throw Error($"a string holds the control character U+{(int)c:X4}; write it as an escape such as \\n");
            }

            if (c != '\\')
            {
                _at++;
                continue;
            }

            escaped ??= new StringBuilder();
            escaped.Append(_text, run, _at - run);
            _at++;
            ReadEscape(escaped);
            run = _at;
        }
    }

    private void ReadEscape(StringBuilder into)
    {
        if (_at >= _text.Length)
        {
            throw Error("a string ends inside an escape (the document may be truncated)");
        }

        char kind = _text[_at++];
        switch (kind)
        {
            case '"' or '\\' or '/':
                into.Append(kind);
                return;
            case 'b':
                into.Append('\b');
                return;
            case 'f':
                into.Append('\f');
                return;
            case 'n':
                into.Append('\n');
                return;
            case 'r':
                into.Append('\r');
                return;
            case 't':
                into.Append('\t');
                return;
            case 'u':
                char unit = ReadHex4();
                if (char.IsHighSurrogate(unit) && _text.AsSpan(_at).StartsWith("\\u", StringComparison.Ordinal))
                {
                    _at += 2;
                    char low = ReadHex4();
                    if (!char.IsLowSurrogate(low))
                    {
                        throw Error($"the escape \\u{(int)unit:X4} starts a surrogate pair that \\u{(int)low:X4} does not finish");
                    }

                    into.Append(unit).Append(low);
                    return;
                }

                into.Append(char.IsSurrogate(unit) ? throw Error($"the escape \\u{(int)unit:X4} is half of a surrogate pair, which is not text") : unit);
                return;
            default:
                _at--;
                throw Error($"'\\{kind}' is not a JSON escape; expected one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX");
        }
    }

    private char ReadHex4()
    {
        if (_at + 4 > _text.Length || !ushort.TryParse(_text.AsSpan(_at, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var unit))
        {
            throw Error("a \\u escape needs four hexadecimal digits");
        }

        _at += 4;
        return (char)unit;
    }

    private JsonNode ReadNumber()
    {
        int start = _at;
        if (Peek() == '-')
        {
            _at++;
        }

        if (Peek() == '0')
        {
            _at++;
        }
        else if (char.IsAsciiDigit(Peek()))
        {
            SkipDigits();
        }
        else
        {
            throw Error("a number needs digits after '-'");
        }

        if (Peek() == '.')
        {
            _at++;
            RequireDigits("after the decimal point");
        }

        if (Peek() is 'e' or 'E')
        {
            _at++;
            if (Peek() is '+' or '-')
            {
                _at++;
            }

            RequireDigits("in the exponent");
        }

        if (char.IsAsciiLetterOrDigit(Peek()) || Peek() == '.')
        {
            throw Error($"a number is followed by {Found()}");
        }

        return new JsonNode(JsonKind.Number, _text[start.._at]);
    }

    private void RequireDigits(string where)
    {
        if (!char.IsAsciiDigit(Peek()))
        {
            throw Error($"a number needs digits {where}");
        }

        SkipDigits();
    }

    private void SkipDigits()
    {
        while (char.IsAsciiDigit(Peek()))
        {
            _at++;
        }
    }
}
