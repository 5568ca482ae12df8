using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Pinset.Tunnel;

/// <summary>
/// Runs the app's <see cref="PinnedTunnel"/> with the host: started (options checked, policies loaded, listening) before
/// the host's start completes, so a tunnel that cannot start stops the app with the reason; drained when the host
/// stops, for up to <see cref="PinnedTunnelOptions.DrainTimeout"/> or the host's own shutdown timeout, whichever ends first.
/// </summary>
internal sealed class PinnedTunnelService(IOptions<PinnedTunnelOptions> options, ILoggerFactory loggers, TimeProvider time) : IHostedService, IAsyncDisposable
{
    /// <summary>The log category of the tunnel's events.</summary>
    public const string Category = "Pinset.Tunnel";

    private PinnedTunnel? _tunnel;

    public async Task StartAsync(CancellationToken cancellationToken) =>
        _tunnel = await PinnedTunnel.StartAsync(options.Value, loggers.CreateLogger(Category), time, cancellationToken).ConfigureAwait(false);

    public Task StopAsync(CancellationToken cancellationToken) => _tunnel?.StopAsync(cancellationToken) ?? Task.CompletedTask;

    public ValueTask DisposeAsync() => _tunnel?.DisposeAsync() ?? ValueTask.CompletedTask;
}
