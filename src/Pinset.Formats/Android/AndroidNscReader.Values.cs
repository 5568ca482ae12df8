using System.Xml.Linq;

namespace Pinset.Formats;

// Attribute and text values as Android and Java read them: booleans as aapt2 compiles them, resource references,
// Java's trim and its case-insensitive equality.
internal sealed partial class AndroidNscReader
{
    /// <summary>
    /// A boolean attribute as Android reads it: aapt2 compiles <c>true</c>, <c>TRUE</c>, <c>True</c> (and the same three
    /// spellings of false) to a boolean, a decimal or <c>0x</c> integer to an integer and <c>#rgb</c>-style colours to a
    /// colour, each read as true when not zero; anything else stays a string, which Android reads as the default.
    /// </summary>
    private bool ReadBool(XAttribute attribute, bool fallback)
    {
        var kind = AaptBool.Read(attribute.Value, out bool value);
        switch (kind)
        {
            case AaptBool.Kind.Word or AaptBool.Kind.Integer:
                return value;
            case AaptBool.Kind.Colour:
                Warn(attribute, $"{attribute.Name}=\"{attribute.Value}\" is compiled by Android's build tools as a colour, which Android reads as {(value ? "true" : "false")}; Pinset reads it the same way.");
                return value;
            default:
                Warn(attribute, $"{attribute.Name}=\"{attribute.Value}\" is neither a true nor a false spelling Android recognises ('true', 'TRUE', 'True', a non-zero number; 'false', 'FALSE', 'False', '0'); Android reads it as {(fallback ? "true" : "false")}, the default, and so does Pinset.");
                return fallback;
        }
    }

    private static IEnumerable<XAttribute> Attributes(XElement element) => element.Attributes().Where(a => !a.IsNamespaceDeclaration);

    /// <summary>Android's resource reference, <c>@[package:]type/name</c>, which aapt2 resolves at build time.</summary>
    private static bool IsResourceReference(string src)
    {
        int slash = src.IndexOf('/', StringComparison.Ordinal);
        return src.Length > 3 && src[0] == '@' && slash > 1 && slash < src.Length - 1;
    }

    /// <summary>Java's <c>String.trim()</c>: every character up to U+0020 off both ends, and nothing else.</summary>
    private static string JavaTrim(string text) => text.Trim(JavaWhitespace);

    private static readonly char[] JavaWhitespace = [.. Enumerable.Range(0, 0x21).Select(i => (char)i)];

    /// <summary>Java's <c>String.equalsIgnoreCase</c>: equal, or equal after upper-casing or lower-casing each character.</summary>
    internal static bool EqualsIgnoreCaseAsJava(string a, string b)
    {
        if (a.Length != b.Length)
        {
            return false;
        }

        for (int i = 0; i < a.Length; i++)
        {
            char x = a[i], y = b[i];
            if (x != y && char.ToUpperInvariant(x) != char.ToUpperInvariant(y) && char.ToLowerInvariant(x) != char.ToLowerInvariant(y))
            {
                return false;
            }
        }

        return true;
    }
}
