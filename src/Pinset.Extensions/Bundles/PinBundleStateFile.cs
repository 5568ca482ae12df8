using System.Text.Json;

namespace Pinset.Extensions;

/// <summary>What a client remembers of bundles: the highest version accepted and its content's hash (anti-rollback), and the last good bundle.</summary>
/// <param name="HighestVersion">No lower version is ever accepted again.</param>
/// <param name="ContentHash">The payload hash of <paramref name="HighestVersion"/>: the same version with other content is refused.</param>
/// <param name="Bundle">The last verified bundle (compact JWS), applied at start before any network access.</param>
internal sealed record PinBundleState(long HighestVersion, string ContentHash, string Bundle);

/// <summary>
/// The state file in <see cref="PinBundleOptions.StateDirectory"/>, written whole or not at all: a temporary file beside
/// it, flushed to disk, then renamed over it. A crash leaves either the old state or the new one, never a mix, and never a
/// lower version than was accepted. An unreadable state file stops the start-up: it is the anti-rollback memory.
/// </summary>
internal static class PinBundleStateFile
{
    public const string FileName = "pinset-bundle-state.json";
    private const string Partial = ".partial";

    public static string PathIn(string directory) => Path.Combine(directory, FileName);

    /// <summary>
    /// Runs <paramref name="action"/> holding the state directory's lock file exclusively, so that app instances sharing
    /// the directory read, compare and write the state one at a time: an instance that has not seen the newest version
    /// cannot write a lower one over it. Waits for another holder up to <paramref name="patience"/>.
    /// </summary>
    /// <exception cref="IOException">The lock could not be taken in time, or the lock file cannot be created.</exception>
    public static T Locked<T>(string directory, TimeSpan patience, Func<T> action)
    {
        Directory.CreateDirectory(directory);
        var lockPath = Path.Combine(directory, FileName + ".lock");
        var deadline = Environment.TickCount64 + (long)patience.TotalMilliseconds;
        while (true)
        {
            FileStream held;
            try
            {
                // FileShare.None takes an exclusive advisory lock (flock) on Unix, a share lock on Windows.
                held = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException ex)
            {
                if (Environment.TickCount64 >= deadline)
                {
                    throw new IOException($"the lock file '{lockPath}' stayed locked by another process for {patience.TotalSeconds:0.#} seconds ({ex.Message})", ex);
                }

                Thread.Sleep(10); // another instance holds it for one read-compare-write: milliseconds
                continue;
            }

            using (held)
            {
                return action();
            }
        }
    }

    /// <summary>The state, or null when none was ever written. Leftovers of an interrupted write are removed.</summary>
    /// <exception cref="PinningConfigurationException">The directory or the file cannot be read, or the file is not a state file.</exception>
    public static PinBundleState? Read(string directory)
    {
        var path = PathIn(directory);
        try
        {
            Directory.CreateDirectory(directory);
            foreach (var leftover in Directory.GetFiles(directory, FileName + "*" + Partial))
            {
                File.Delete(leftover);
            }

            if (!File.Exists(path))
            {
                return null;
            }

            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = document.RootElement;
            return new PinBundleState(
                root.GetProperty("highestVersion").GetInt64(),
                root.GetProperty("contentHash").GetString() ?? throw new FormatException("'contentHash' is null."),
                root.GetProperty("bundle").GetString() ?? throw new FormatException("'bundle' is null."));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new PinningConfigurationException(
                $"The pin bundle state file '{path}' cannot be read ({ex.Message}). It holds the highest bundle version accepted, which keeps an older bundle from being replayed; Pinset will not start without it. Restore it from a backup, or delete it to start afresh (any unexpired bundle is then accepted once more).");
        }
    }

    /// <summary>Writes the state durably; throws <see cref="IOException"/> or <see cref="UnauthorizedAccessException"/> when it cannot.</summary>
    public static void Write(string directory, PinBundleState state)
    {
        var path = PathIn(directory);
        var temporary = $"{path}.{Guid.NewGuid():N}{Partial}";
        try
        {
            using (var file = new FileStream(temporary, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Options = FileOptions.WriteThrough }))
            {
                using (var json = new Utf8JsonWriter(file))
                {
                    json.WriteStartObject();
                    json.WriteNumber("highestVersion", state.HighestVersion);
                    json.WriteString("contentHash", state.ContentHash);
                    json.WriteString("bundle", state.Bundle);
                    json.WriteEndObject();
                }

                file.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
