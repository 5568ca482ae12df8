namespace Pinset.Cli;

/// <summary>
/// A file written whole or not at all: the content goes to a hidden temporary file beside the target, which
/// <see cref="Commit"/> renames into place (one rename, so a reader never sees half a file). Disposed uncommitted, the
/// temporary file is deleted: an interrupted or failed command leaves nothing behind.
/// </summary>
internal sealed class StagedFile : IDisposable
{
    private readonly string _temporary;
    private bool _committed;

    private StagedFile(string path, string temporary)
    {
        Path = path;
        _temporary = temporary;
    }

    /// <summary>Where the file goes on <see cref="Commit"/>.</summary>
    public string Path { get; }

    /// <summary>Writes <paramref name="content"/> to a temporary file beside <paramref name="path"/>; with <paramref name="mode"/> on Unix, created with that mode.</summary>
    public static StagedFile Write(string path, string content, UnixFileMode? mode = null)
    {
        var full = System.IO.Path.GetFullPath(path);
        var temporary = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(full)!, $".{System.IO.Path.GetFileName(full)}.{Guid.NewGuid():N}.partial");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (mode is { } unixMode && !OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = unixMode;
        }

        try
        {
            using var writer = new StreamWriter(temporary, new System.Text.UTF8Encoding(false), options);
            writer.Write(content);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            TryDelete(temporary);
            var directory = System.IO.Path.GetDirectoryName(full)!;
            throw new CliException(ExitCodes.BadInput, ex is DirectoryNotFoundException || !Directory.Exists(directory)
                ? MissingDirectory(path, directory)
                : $"'{path}' cannot be written: {ex.Message}", ex);
        }

        return new StagedFile(path, temporary);
    }

    /// <summary>The sentence for a file to write in a directory that is not there.</summary>
    public static string MissingDirectory(string path, string directory) =>
        $"'{path}' cannot be written: the directory '{directory}' does not exist. Create it first, or give a path in a directory that exists.";

    /// <summary>Renames the file into place; without <paramref name="overwrite"/>, an existing file is never replaced.</summary>
    public void Commit(bool overwrite)
    {
        try
        {
            File.Move(_temporary, Path, overwrite);
            _committed = true;
        }
        catch (IOException ex) when (!overwrite && File.Exists(Path))
        {
            throw new CliException(ExitCodes.BadInput, $"'{Path}' already exists and is never overwritten.", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliException(ExitCodes.BadInput, $"'{Path}' cannot be written: {ex.Message}", ex);
        }
    }

    /// <summary>Removes the committed file again (when a file written with it could not be).</summary>
    public void Revert()
    {
        if (_committed)
        {
            File.Delete(Path);
            _committed = false;
        }
    }

    public void Dispose()
    {
        if (!_committed)
        {
            TryDelete(_temporary);
        }
    }

    /// <summary>
    /// Removes a temporary file that may not exist, or whose directory may not: cleaning up never hides the error that
    /// made it necessary, nor turns a failed write into a crash.
    /// </summary>
    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Nothing was written there, or it cannot be removed: either way nothing more can be done.
        }
    }
}
