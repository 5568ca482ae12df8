namespace Pinset.Cli;

/// <summary>Loads the JSON policy a command names (<c>-</c> for standard input), with the file's problems as sentences.</summary>
internal static class PolicyFile
{
    public static async Task<PinningPolicy> LoadAsync(string path, CliConsole console, CancellationToken cancel)
    {
        var text = await console.Files.ReadTextAsync(path, "a JSON policy file", cancel).ConfigureAwait(false);
        return PinningPolicy.Parse(text, InputFile.Display(path));
    }
}
