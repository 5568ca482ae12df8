namespace Pinset.Cli;

/// <summary>
/// Reads a file named on the command line, once (so <c>/dev/stdin</c> and <c>&lt;(...)</c> work), or standard input
/// for <c>-</c>. Every way it can fail is a sentence naming the file: no such file, a directory, no permission.
/// </summary>
internal sealed class InputFile
{
    /// <summary>The name that means standard input.</summary>
    public const string StandardInput = "-";

    private readonly CliConsole _console;
    private bool _standardInputRead;

    public InputFile(CliConsole console) => _console = console;

    /// <summary>True when <paramref name="path"/> is <c>-</c> or names something that exists (a file, a device, a pipe).</summary>
    public static bool Names(string path) => path == StandardInput || File.Exists(path) || Directory.Exists(path);

    /// <summary>The name to show for <paramref name="path"/> in messages and results.</summary>
    public static string Display(string path) => path == StandardInput ? "standard input" : path;

    /// <summary>All the bytes of <paramref name="path"/>; <paramref name="what"/> says what it should be ("a policy file").</summary>
    public async Task<byte[]> ReadAsync(string path, string what, CancellationToken cancel)
    {
        if (path == StandardInput)
        {
            if (_standardInputRead)
            {
                throw new CliException(ExitCodes.BadInput, "Standard input ('-') is given twice; it can be read only once.");
            }

            _standardInputRead = true;
            return await Interruptible(async () =>
            {
                await using var input = _console.OpenStandardInput();
                using var buffer = new MemoryStream();
                await input.CopyToAsync(buffer, cancel).ConfigureAwait(false);
                return buffer.ToArray();
            }, cancel).ConfigureAwait(false);
        }

        if (Directory.Exists(path))
        {
            throw new CliException(ExitCodes.BadInput, $"'{path}' is a directory; give {what}.");
        }

        if (!File.Exists(path))
        {
            throw new CliException(ExitCodes.BadInput, $"'{path}' does not exist (looked for '{Path.GetFullPath(path)}'); give {what}.");
        }

        try
        {
            return await Interruptible(() => File.ReadAllBytesAsync(path, cancel), cancel).ConfigureAwait(false);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new CliException(ExitCodes.BadInput, $"'{path}' cannot be read: permission denied.", ex);
        }
        catch (IOException ex)
        {
            throw new CliException(ExitCodes.BadInput, $"'{path}' cannot be read: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Reads on a thread of the pool and stops waiting when <paramref name="cancel"/> fires (Ctrl-C, SIGTERM). A terminal,
    /// a pipe whose writer is slow, or a FIFO nobody writes to blocks in the system's read (or open), which no token
    /// interrupts; the command ends all the same, and the process with it, leaving that read behind.
    /// </summary>
    private static Task<byte[]> Interruptible(Func<Task<byte[]>> read, CancellationToken cancel) =>
        Task.Run(read, CancellationToken.None).WaitAsync(cancel);

    /// <summary>The text of <paramref name="path"/>, as UTF-8 (a byte order mark is dropped).</summary>
    public async Task<string> ReadTextAsync(string path, string what, CancellationToken cancel)
    {
        var bytes = await ReadAsync(path, what, cancel).ConfigureAwait(false);
        return new System.Text.UTF8Encoding(false).GetString(bytes.AsSpan().StartsWith("\uFEFF"u8) ? bytes.AsSpan(3) : bytes);
    }
}
