namespace Pinset.Tunnel;

/// <summary>How the log names the settings it mentions ("waiting up to 30 seconds (DrainTimeout)"): the options' names, or a front's own (<c>--drain-timeout</c>).</summary>
internal sealed record TunnelSettingNames(string DrainTimeout, string IdleTimeout, string ConnectTimeout)
{
    /// <summary>The names of <see cref="PinnedTunnelOptions"/> and <see cref="PinnedTunnelRoute"/>.</summary>
    public static TunnelSettingNames Options { get; } = new(nameof(PinnedTunnelOptions.DrainTimeout), nameof(PinnedTunnelOptions.IdleTimeout), nameof(PinnedTunnelRoute.ConnectTimeout));
}
