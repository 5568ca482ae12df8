using Microsoft.Extensions.Hosting;

namespace Pinset.Extensions.OutsideApp;

/// <summary>The ways an app ends its host, by name; the tests end their in-process hosts by the same names.</summary>
public static class HostEnding
{
    /// <summary>What RunAsync does; then DisposeAsync without a stop; Dispose without a stop; a stop and then Dispose (a <c>using var host</c>).</summary>
    public static IReadOnlyList<string> Paths { get; } = ["StopAsync, DisposeAsync", "DisposeAsync", "Dispose", "StopAsync, Dispose"];

    /// <summary>Ends <paramref name="host"/> by <paramref name="path"/>, one of <see cref="Paths"/>: the calls, in order.</summary>
    public static async Task EndAsync(IHost host, string path)
    {
        if (!Paths.Contains(path))
        {
            throw new ArgumentException($"'{path}' is not a way to end a host; expected one of {string.Join(", ", Paths.Select(p => $"'{p}'"))}.", nameof(path));
        }

        if (path.StartsWith("StopAsync", StringComparison.Ordinal))
        {
            await host.StopAsync().ConfigureAwait(false);
        }

        if (path.EndsWith("DisposeAsync", StringComparison.Ordinal))
        {
            await ((IAsyncDisposable)host).DisposeAsync().ConfigureAwait(false);
        }
        else
        {
            host.Dispose();
        }
    }
}
