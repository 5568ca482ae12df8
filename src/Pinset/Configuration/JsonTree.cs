namespace Pinset;

/// <summary>
/// A strict reader of JSON (RFC 8259) for policy documents, with <c>//</c> and <c>/* */</c> comments skipped and no
/// trailing commas, nesting at most 16 deep. Pinset reads a policy at every app's start, and the framework's JSON reader
/// costs a cold process about six milliseconds to load, more than everything else Pinset does before the first
/// handshake; this reader is small and allocates only the tree. Its verdicts are checked against System.Text.Json's by
/// a property test. Errors name the line and column and say what was expected.
/// </summary>
internal ref partial struct JsonTree
{
    private const int MaxDepth = 16;
    private readonly string _text;
    private readonly string _source;
    private readonly bool _strict;
    private int _at;
    private int _depth;

    private JsonTree(string text, string source, bool strict)
    {
        _text = text;
        _source = source;
        _strict = strict;
    }

    /// <summary>
    /// Reads a whole document. <paramref name="strict"/> reads RFC 8259 and nothing more (no comments, no byte order
    /// mark): for signed data, which other tools must read the same way.
    /// </summary>
    /// <exception cref="PinningConfigurationException">The text is not one valid JSON value.</exception>
    public static JsonNode Parse(string text, string source, bool strict = false)
    {
        CheckSurrogates(text, source);
        var reader = new JsonTree(text, source, strict);
        if (!strict && reader._at < text.Length && text[reader._at] == '\uFEFF')
        {
            reader._at++;
        }

        reader.SkipSpace();
        var root = reader.ReadValue();
        reader.SkipSpace();
        return reader._at == text.Length ? root : throw reader.Error($"more text follows the document ({reader.Found()})");
    }

    private JsonNode ReadValue()
    {
        if (_at >= _text.Length)
        {
            throw Error("the document ends where a value was expected (it may be truncated)");
        }

        return _text[_at] switch
        {
            '{' => ReadObject(),
            '[' => ReadArray(),
            '"' => ReadString(),
            't' => ReadLiteral("true", JsonKind.True),
            'f' => ReadLiteral("false", JsonKind.False),
            'n' => ReadLiteral("null", JsonKind.Null),
            '-' or (>= '0' and <= '9') => ReadNumber(),
            _ => throw Error($"expected a value (an object, array, string, number, true, false or null), found {Found()}"),
        };
    }

    private void Enter()
    {
        if (++_depth > MaxDepth)
        {
            throw Error($"the document nests deeper than {MaxDepth} levels");
        }
    }

    private JsonNode ReadObject()
    {
        Enter();
        int start = _at++;
        var properties = new List<KeyValuePair<string, JsonNode>>();
        SkipSpace();
        if (Peek() == '}')
        {
            _at++;
            _depth--;
            return new JsonNode(JsonKind.Object, _text[start.._at]) { Properties = properties };
        }

        while (true)
        {
            SkipSpace();
            if (Peek() != '"')
            {
                throw Error(Peek() == '}' ? "a trailing comma before '}'; JSON allows none, so remove it" : $"expected a property name in double quotes, found {Found()}");
            }

            var name = ReadString().Value!;
            SkipSpace();
            Expect(':', "after a property name");
            SkipSpace();
            properties.Add(new(name, ReadValue()));
            SkipSpace();
            char next = Peek();
            _at++;
            if (next == '}')
            {
                _depth--;
                return new JsonNode(JsonKind.Object, _text[start.._at]) { Properties = properties };
            }

            if (next != ',')
            {
                _at--;
                throw Error($"expected ',' or '}}' after a property, found {Found()}");
            }
        }
    }

    private JsonNode ReadArray()
    {
        Enter();
        int start = _at++;
        var items = new List<JsonNode>();
        SkipSpace();
        if (Peek() == ']')
        {
            _at++;
            _depth--;
            return new JsonNode(JsonKind.Array, _text[start.._at]) { Items = items };
        }

        while (true)
        {
            SkipSpace();
            if (Peek() == ']')
            {
                throw Error("a trailing comma before ']'; JSON allows none, so remove it");
            }

            items.Add(ReadValue());
            SkipSpace();
            char next = Peek();
            _at++;
            if (next == ']')
            {
                _depth--;
                return new JsonNode(JsonKind.Array, _text[start.._at]) { Items = items };
            }

            if (next != ',')
            {
                _at--;
                throw Error($"expected ',' or ']' after an array item, found {Found()}");
            }
        }
    }

    private JsonNode ReadLiteral(string literal, JsonKind kind)
    {
        if (!_text.AsSpan(_at).StartsWith(literal, StringComparison.Ordinal) || char.IsAsciiLetterOrDigit(_text.Length > _at + literal.Length ? _text[_at + literal.Length] : ' '))
        {
            throw Error($"expected a value (an object, array, string, number, true, false or null), found {Found()}");
        }

        _at += literal.Length;
        return new JsonNode(kind, literal);
    }

    private void Expect(char c, string where)
    {
        if (Peek() != c)
        {
            throw Error($"expected '{c}' {where}, found {Found()}");
        }

        _at++;
    }

    private void SkipSpace()
    {
        while (_at < _text.Length)
        {
            char c = _text[_at];
            if (c is ' ' or '\t' or '\n' or '\r')
            {
                _at++;
            }
            else if (_strict)
            {
                return;
            }
            else if (c == '/' && _at + 1 < _text.Length && _text[_at + 1] == '/')
            {
                int end = _text.IndexOf('\n', _at);
                _at = end < 0 ? _text.Length : end + 1;
            }
            else if (c == '/' && _at + 1 < _text.Length && _text[_at + 1] == '*')
            {
                int end = _text.IndexOf("*/", _at + 2, StringComparison.Ordinal);
                _at = end < 0 ? throw Error("a /* comment is not closed") : end + 2;
            }
            else
            {
                return;
            }
        }
    }

    private readonly char Peek() => _at < _text.Length ? _text[_at] : '\0';

    private readonly string Found()
    {
        if (_at >= _text.Length)
        {
            return "the end of the document (it may be truncated)";
        }

        char c = _text[_at];
        return char.IsControl(c) ? $"the character U+{(int)c:X4}" : $"'{c}'";
    }

    private readonly PinningConfigurationException Error(string what)
    {
        int line = 1, column = 1;
        for (int i = 0; i < Math.Min(_at, _text.Length); i++)
        {
            (line, column) = _text[i] == '\n' ? (line + 1, 1) : (line, column + 1);
        }

        return new PinningConfigurationException($"'{_source}' is not valid JSON: at line {line}, column {column}, {what}.");
    }

    /// <summary>A lone surrogate cannot be text in any encoding; refused before reading, with where it is.</summary>
    private static void CheckSurrogates(string text, string source)
    {
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                throw new PinningConfigurationException($"'{source}' is not valid Unicode: it has a lone surrogate character (\\u{(int)c:X4}) at index {i}; expected UTF-16 text.");
            }
        }
    }
}
