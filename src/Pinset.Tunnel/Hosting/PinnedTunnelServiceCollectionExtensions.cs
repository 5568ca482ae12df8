using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Pinset.Tunnel;

/// <summary>Registers the pinning tunnel as a hosted service of the app.</summary>
public static class PinnedTunnelServiceCollectionExtensions
{
    /// <summary>
    /// Runs a pinning tunnel with the app's host: <paramref name="configure"/> gives its routes (each a loopback address
    /// local clients connect to, the TLS server and the policy file that pins it) and how they run. The host's start
    /// completes once every route listens, and fails with a <see cref="PinnedTunnelException"/> saying why if one cannot
    /// (a policy that does not load, does not pin the server or has expired; an address not on loopback without
    /// <see cref="PinnedTunnelOptions.DangerousAllowRemoteClients"/>). Its events are logged under the category
    /// <c>Pinset.Tunnel</c>, with stable event ids and names; its clock is the container's <see cref="TimeProvider"/>
    /// (the system's unless one is registered). Calling it again adds routes to the same tunnel.
    /// </summary>
    public static IServiceCollection AddPinnedTunnel(this IServiceCollection services, Action<PinnedTunnelOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions();
        services.Configure(configure);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, PinnedTunnelService>(sp =>
            new PinnedTunnelService(sp.GetRequiredService<IOptions<PinnedTunnelOptions>>(), sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance, sp.GetRequiredService<TimeProvider>())));
        return services;
    }
}
