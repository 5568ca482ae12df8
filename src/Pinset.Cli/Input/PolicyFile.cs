namespace Pinset.Cli;

/// <summary>Loads the JSON policy a command names (<c>-</c> for standard input), with the file's problems as sentences.</summary>
internal static class PolicyFile
{
    public static async Task<PinningPolicy> LoadAsync(string path, CliConsole console, CancellationToken cancel) =>
        Parse(await console.Files.ReadTextAsync(path, "a JSON policy file", cancel).ConfigureAwait(false), path);

    /// <summary>The policy <paramref name="text"/>, read from <paramref name="path"/>, says; its errors name the file.</summary>
    public static PinningPolicy Parse(string text, string path) => PinningPolicy.Parse(text, InputFile.Display(path));
}
