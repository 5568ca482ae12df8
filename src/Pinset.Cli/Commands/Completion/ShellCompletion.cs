using System.CommandLine;
using System.CommandLine.Completions;

namespace Pinset.Cli;

/// <summary>
/// What the shell should offer for the word under the cursor, answered from the commands themselves (their
/// subcommands, options, and each option's or argument's completions), so that the bash, zsh, fish and PowerShell
/// scripts of <c>pinset completion</c> hold no knowledge of their own: they call <c>pinset __complete INDEX WORDS...</c>
/// and print what it prints, one candidate per line, or complete paths when it prints <see cref="FilesMarker"/> or
/// <see cref="DirectoriesMarker"/>.
/// </summary>
internal static class ShellCompletion
{
    /// <summary>The hidden first argument that asks for completions instead of running a command.</summary>
    public const string Request = "__complete";

    public const string FilesMarker = ":files";

    public const string DirectoriesMarker = ":directories";

    // Not a completion source: --help shows an argument's completions as its allowed values.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Argument, object> FileArguments = [];

    /// <summary>Marks an argument whose values are paths (a file, or '-' for standard input).</summary>
    public static void OfFiles(Argument argument) => FileArguments.AddOrUpdate(argument, FilesMarker);

    /// <summary>
    /// The candidates for word <paramref name="index"/> of <paramref name="words"/> (words[0] is the command's own name;
    /// the word at <paramref name="index"/> is the partial word, empty at a fresh position).
    /// </summary>
    public static IReadOnlyList<string> Complete(Command root, int index, IReadOnlyList<string> words)
    {
        string current = index < words.Count ? words[index] : string.Empty;
        var command = root;
        var positionals = 0;
        Option? pendingValue = null;
        for (int i = 1; i < Math.Min(index, words.Count); i++)
        {
            var word = words[i];
            if (pendingValue is not null)
            {
                pendingValue = null;
                continue;
            }

            if (word.StartsWith('-'))
            {
                var option = FindOption(root, command, word.Split('=', 2)[0]);
                pendingValue = option is not null && TakesValue(option) && !word.Contains('=', StringComparison.Ordinal) ? option : null;
                continue;
            }

            if (positionals == 0 && command.Subcommands.FirstOrDefault(c => c.Name == word && !c.Hidden) is { } subcommand)
            {
                command = subcommand;
                continue;
            }

            positionals++;
        }

        IEnumerable<string> candidates;
        if (pendingValue is not null)
        {
            candidates = ValuesOf(pendingValue);
        }
        else if (current.StartsWith('-'))
        {
            candidates = OptionsOf(root, command).SelectMany(o => o.Aliases.Prepend(o.Name)).Distinct();
        }
        else if (command.Subcommands.Count > 0)
        {
            candidates = command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name);
        }
        else
        {
            candidates = ArgumentAt(command, positionals) is not { } argument ? []
                : FileArguments.TryGetValue(argument, out _) ? [FilesMarker]
                : Names(argument.GetCompletions(CompletionContext.Empty));
        }

        var matching = candidates.Where(c => c.StartsWith(current, StringComparison.Ordinal) || c is FilesMarker or DirectoriesMarker).ToList();
        return matching.Contains(FilesMarker) ? [FilesMarker] : matching.Contains(DirectoriesMarker) ? [DirectoriesMarker] : matching;
    }

    private static IEnumerable<string> ValuesOf(Option option) => option.HelpName switch
    {
        "FILE" => [FilesMarker],
        "DIR" => [DirectoriesMarker],
        _ => Names(option.GetCompletions(CompletionContext.Empty)),
    };

    private static IEnumerable<string> Names(IEnumerable<CompletionItem> items) => items.Select(i => i.Label);

    private static bool TakesValue(Option option) => option.ValueType != typeof(bool) && option.Arity.MaximumNumberOfValues > 0;

    private static IEnumerable<Option> OptionsOf(Command root, Command command) =>
        command == root ? root.Options : command.Options.Concat(root.Options.Where(o => o.Recursive));

    private static Option? FindOption(Command root, Command command, string name) =>
        OptionsOf(root, command).FirstOrDefault(o => o.Name == name || o.Aliases.Contains(name));

    /// <summary>The argument that the <paramref name="position"/>th positional word fills, counting each argument's arity.</summary>
    private static Argument? ArgumentAt(Command command, int position)
    {
        foreach (var argument in command.Arguments)
        {
            if (position < argument.Arity.MaximumNumberOfValues)
            {
                return argument;
            }

            position -= argument.Arity.MaximumNumberOfValues;
        }

        return null;
    }
}
