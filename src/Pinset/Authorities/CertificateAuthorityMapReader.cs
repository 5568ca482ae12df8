using System.Globalization;

namespace Pinset;

/// <summary>
/// Reads the map's text: tab-separated lines, <c>#</c> comments, <c>source</c> and <c>date</c> once, then an
/// <c>operator</c> line followed by its <c>root</c> lines (pin, expiry, fingerprints, name) and <c>intermediate</c>
/// lines (pin, expiry, root pins, name).
/// </summary>
internal static class CertificateAuthorityMapReader
{
    public static CertificateAuthorityMap Read(string text)
    {
        string? source = null;
        DateTimeOffset? date = null;
        var operators = new List<CertificateAuthorityOperator>();
        string? name = null;
        List<CertificateAuthorityKey> roots = [], intermediates = [];
        int number = 0;
        foreach (var raw in text.Split('\n'))
        {
            number++;
            var line = raw.TrimEnd('\r');
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var fields = line.Split('\t');
            switch (fields[0])
            {
                case "source" when fields.Length == 2:
                    source = fields[1];
                    break;
                case "date" when fields.Length == 2:
                    date = Day(fields[1], number);
                    break;
                case "operator" when fields.Length == 2 && fields[1].Length > 0:
                    Close();
                    if (operators.Exists(o => string.Equals(o.Name, fields[1], StringComparison.OrdinalIgnoreCase)))
                    {
                        throw Bad(number, fields[1], "the operator is named twice (names are compared ignoring case)");
                    }

                    name = fields[1];
                    break;
                case "root" when fields.Length == 5 && name is not null:
                    roots.Add(Key(fields, name, isRoot: true, number));
                    break;
                case "intermediate" when fields.Length == 5 && name is not null:
                    intermediates.Add(Key(fields, name, isRoot: false, number));
                    break;
                default:
                    throw Bad(number, line, "expected 'source', 'date', 'operator', then 'root' or 'intermediate' lines of five tab-separated fields");
            }
        }

        Close();
        if (source is null || date is null)
        {
            throw new PinsetFormatException("The CA map has no 'source' or no 'date' line; it must say where its certificates came from and when.");
        }

        return new CertificateAuthorityMap(source, date.Value, operators);

        void Close()
        {
            if (name is not null)
            {
                operators.Add(new CertificateAuthorityOperator { Name = name, Roots = roots, Intermediates = intermediates });
            }

            roots = [];
            intermediates = [];
        }
    }

    private static CertificateAuthorityKey Key(string[] fields, string name, bool isRoot, int number)
    {
        var pin = SpkiPin.TryParse(fields[1], out var parsed, out var error) ? parsed : throw Bad(number, fields[1], error);
        var list = fields[3].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return new CertificateAuthorityKey
        {
            Pin = pin,
            Name = fields[4],
            Operator = name,
            IsRoot = isRoot,
            NotAfter = Day(fields[2], number),
            RootPins = isRoot ? [] : [.. list.Select(p => SpkiPin.TryParse(p, out var root, out var e) ? root : throw Bad(number, p, e))],
            Fingerprints = isRoot ? [.. list.Select(f => CertificateFingerprint.TryParse(f, out var fp, out var e) ? fp : throw Bad(number, f, e))] : [],
        };
    }

    private static DateTimeOffset Day(string text, int number) =>
        DateTimeOffset.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var day)
            ? day
            : throw Bad(number, text, "expected a date as yyyy-MM-dd");

    private static PinsetFormatException Bad(int number, string value, string why) =>
        new($"The CA map's line {number} is not valid at '{value}': {why.TrimEnd('.')}.");
}
