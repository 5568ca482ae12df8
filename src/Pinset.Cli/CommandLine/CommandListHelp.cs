using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.Text.RegularExpressions;

namespace Pinset.Cli;

/// <summary>
/// Help whose list of commands shows each command's arguments as the command's own usage line does: an optional one in
/// brackets, one that takes several with '...' (<c>check &lt;policy&gt; [&lt;target&gt;...]</c>, where System.CommandLine
/// writes <c>check &lt;policy&gt; &lt;target&gt;</c>, as if a target were required). The help is System.CommandLine's own; only
/// the rows of its "Commands:" section are written again, in columns as wide as the new labels need.
/// </summary>
internal sealed partial class CommandListHelp(HelpAction inner) : SynchronousCommandLineAction
{
    /// <summary>Every help option of the tree, its own and its subcommands', answers through this action.</summary>
    public static void Install(Command root)
    {
        foreach (var option in root.Options.OfType<HelpOption>())
        {
            if (option.Action is HelpAction help)
            {
                option.Action = new CommandListHelp(help);
            }
        }
    }

    /// <summary>As help always does: a command line asking for help is not checked for missing required options.</summary>
    public override bool ClearsParseErrors => true;

    public override int Invoke(ParseResult parseResult)
    {
        var configuration = parseResult.InvocationConfiguration;
        var output = configuration.Output;
        using var buffer = new StringWriter();
        configuration.Output = buffer;
        int exit;
        try
        {
            exit = inner.Invoke(parseResult);
        }
        finally
        {
            configuration.Output = output;
        }

        output.Write(Relabel(buffer.ToString(), parseResult.CommandResult.Command));
        return exit;
    }

    /// <summary>The help text with the rows of its "Commands:" section labelled from each subcommand's arguments.</summary>
    internal static string Relabel(string help, Command command)
    {
        var lines = help.Split('\n').ToList();
        int start = lines.FindIndex(l => l.TrimEnd('\r') == "Commands:");
        if (start < 0)
        {
            return help;
        }

        var rows = new List<(string Label, string Description)>();
        int end = start + 1;
        for (; end < lines.Count && Row().Match(lines[end].TrimEnd('\r')) is { Success: true } row; end++)
        {
            var name = row.Groups["label"].Value.Split(' ')[0];
            var subcommand = command.Subcommands.FirstOrDefault(c => c.Name == name);
            rows.Add((subcommand is null ? row.Groups["label"].Value : Label(subcommand, row.Groups["label"].Value), row.Groups["description"].Value));
        }

        int width = rows.Max(r => r.Label.Length);
        lines.RemoveRange(start + 1, end - start - 1);
        lines.InsertRange(start + 1, rows.Select(r => $"  {r.Label.PadRight(width)}  {r.Description}".TrimEnd()));
        return string.Join('\n', lines);
    }

    /// <summary>
    /// The command's name and its arguments as System.CommandLine labels them (<c>&lt;policy&gt;</c>,
    /// <c>&lt;bash|fish|pwsh|zsh&gt;</c>), each wrapped by its arity.
    /// </summary>
    private static string Label(Command command, string shown)
    {
        var labels = shown.Split(' ', 2) is [_, var rest] ? Argument().Matches(rest).Select(m => m.Value).ToList() : [];
        var arguments = command.Arguments.Where(a => !a.Hidden).ToList();
        if (labels.Count != arguments.Count)
        {
            return shown;
        }

        return string.Join(' ', arguments.Select((a, i) =>
        {
            var label = labels[i] + (a.Arity.MaximumNumberOfValues > 1 ? "..." : string.Empty);
            return a.Arity.MinimumNumberOfValues == 0 ? $"[{label}]" : label;
        }).Prepend(command.Name));
    }

    /// <summary>A row of the section: two spaces, the label, two or more spaces, the description.</summary>
    [GeneratedRegex(@"^  (?<label>\S.*?)(?: {2,}(?<description>.*))?$")]
    private static partial Regex Row();

    [GeneratedRegex(@"<[^>]*>")]
    private static partial Regex Argument();
}
