using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace Pinset.Tunnel.Tests.Diagnostics;

/// <summary>The tunnel's log events are what docs/tunnel.md says they are: one row per event, its id, name and level.</summary>
public sealed partial class TunnelLogTests
{
    [Fact]
    public void Events_TheDocsTableListsEachWithItsIdNameAndLevel()
    {
        var declared = typeof(TunnelLog).GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Select(m => m.GetCustomAttribute<LoggerMessageAttribute>())
            .OfType<LoggerMessageAttribute>()
            .Select(a => (a.EventId, a.EventName ?? string.Empty, a.Level.ToString()))
            .OrderBy(e => e.EventId)
            .ToList();
        var documented = Row().Matches(File.ReadAllText(Repository.File("docs", "tunnel.md")))
            .Select(m => (int.Parse(m.Groups["id"].Value, System.Globalization.CultureInfo.InvariantCulture), m.Groups["name"].Value, m.Groups["level"].Value))
            .ToList();

        Assert.Equal(22, declared.Count);
        Assert.Equal(declared, documented);
        Assert.Equal(declared.Count, declared.Select(e => e.EventId).Distinct().Count());
    }

    [GeneratedRegex(@"^\| (?<id>\d+) \| `(?<name>[a-z-]+)` \| (?<level>[A-Za-z]+) \|", RegexOptions.Multiline)]
    private static partial Regex Row();
}
