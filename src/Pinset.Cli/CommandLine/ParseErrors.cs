using System.Text.RegularExpressions;

namespace Pinset.Cli;

/// <summary>System.CommandLine's parse errors as a person reads them: no .NET type names.</summary>
internal static partial class ParseErrors
{
    public static string Humane(string message)
    {
        var match = CannotParse().Match(message);
        if (!match.Success)
        {
            return message;
        }

        var type = match.Groups["type"].Value;
        var expected = type.Contains("Int32", StringComparison.Ordinal) || type.Contains("Int64", StringComparison.Ordinal) ? "a whole number, such as 8"
            : type.Contains("Double", StringComparison.Ordinal) ? "a number, such as 2.5"
            : null;
        return expected is null ? message : $"{match.Groups["option"].Value} '{match.Groups["value"].Value}' is not {expected}.";
    }

    [GeneratedRegex(@"^Cannot parse argument '(?<value>.*)' for option '(?<option>[^']+)' as expected type '(?<type>[^']+)'\.$")]
    private static partial Regex CannotParse();
}
