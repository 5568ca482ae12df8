using System.CommandLine;

namespace Pinset.Cli;

/// <summary>
/// <c>pinset docs [TOPIC]</c>: the documentation pages of this version of Pinset, as Markdown, from inside the tool: an
/// installed tool has no clone to point into, and a page printed by the tool always describes the tool that prints it.
/// Without a topic, the topics and their titles.
/// </summary>
internal static class DocsCommand
{
    private const string Prefix = "docs/";

    /// <summary>The topics, in name order: each page of docs/ embedded in the tool (docs/bundles.md is 'bundles').</summary>
    public static IReadOnlyList<string> Topics { get; } =
        [.. typeof(DocsCommand).Assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)).Select(n => n[Prefix.Length..^3]).Order(StringComparer.Ordinal)];

    public static Command Create(CliConsole output)
    {
        var topic = new Argument<string?>("topic") { HelpName = "topic", Description = "The page to print, such as 'bundles'; without it, the list of pages.", Arity = ArgumentArity.ZeroOrOne };
        topic.AcceptOnlyFromAmong([.. Topics]);
        var command = new Command("docs", "Print the documentation of this version as Markdown: 'pinset docs' lists the pages, 'pinset docs bundles' prints one.") { topic };
        command.SetAction(parse =>
        {
            if (parse.GetValue(topic) is not { } name)
            {
                var width = Topics.Max(t => t.Length);
                foreach (var page in Topics)
                {
                    output.Out.WriteLine($"{page.PadRight(width)}  {Title(Read(page))}");
                }

                return ExitCodes.Success;
            }

            output.Out.Write(Read(name));
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>The page's Markdown text.</summary>
    internal static string Read(string topic)
    {
        using var stream = typeof(DocsCommand).Assembly.GetManifestResourceStream(Prefix + topic + ".md")
            ?? throw new CliException(ExitCodes.BadInput, $"There is no documentation page '{topic}'; the pages are {string.Join(", ", Topics)}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>The page's first heading, without its '#' marks and backquotes.</summary>
    private static string Title(string markdown) =>
        markdown.Split('\n').FirstOrDefault(l => l.StartsWith("# ", StringComparison.Ordinal))?[2..].Replace("`", string.Empty, StringComparison.Ordinal).Trim() ?? string.Empty;
}
