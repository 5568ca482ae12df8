using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace Pinset.Extensions;

/// <summary>Registers certificate pinning.</summary>
public static class PinningServiceCollectionExtensions
{
    /// <summary>
    /// Registers pinning with the document in a configuration section (the <c>pinning</c> section of appsettings.json):
    /// validated at start-up (the host refuses to start and logs every error), reloaded when the configuration changes.
    /// </summary>
    public static IServiceCollection AddCertificatePinning(this IServiceCollection services, IConfiguration section, Action<PinningOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(section);
        services.AddSingleton<IOptionsChangeTokenSource<PinningOptions>>(new SectionChangeTokenSource(section));
        return services.AddCertificatePinning(options =>
        {
            options.Configuration = PinningConfigurationSection.Read(section, options.ConfigurationErrors);
            configure?.Invoke(options);
        });
    }

    /// <summary>Registers pinning configured in code.</summary>
    public static IServiceCollection AddCertificatePinning(this IServiceCollection services, Action<PinningOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<PinningOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PinningOptions>, PinningOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PinningOptions>, PinningPolicyValidator>());
        services.AddMetrics();
        services.TryAddSingleton(sp => new PinningPolicyMonitor(sp, sp.GetService<ILoggerFactory>()));
        services.TryAddSingleton<PinningMetrics>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new PinningReporter(
            sp.GetRequiredService<IOptionsMonitor<PinningOptions>>().CurrentValue.Reporting,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(),
            sp.GetService<ILoggerFactory>()));
        services.TryAddSingleton(sp => new CertificatePinning(
            sp.GetRequiredService<PinningPolicyMonitor>(),
            sp.GetRequiredService<PinningMetrics>(),
            sp.GetRequiredService<PinningReporter>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILoggerFactory>()));
        services.TryAddSingleton<PinnedClientNames>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHttpMessageHandlerBuilderFilter, PinningHandlerFilter>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, PinningStartup>());
        return services;
    }

    private sealed class SectionChangeTokenSource(IConfiguration section) : IOptionsChangeTokenSource<PinningOptions>
    {
        public string Name => Options.DefaultName;

        public IChangeToken GetChangeToken() => section.GetReloadToken();
    }
}
