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
        RegisterOnce(services);
        services.AddSingleton<IOptionsChangeTokenSource<PinningOptions>>(new SectionChangeTokenSource(section));
        return Register(services, options =>
        {
            options.Configuration = PinningConfigurationSection.Read(section, options.ConfigurationErrors);
            configure?.Invoke(options);
        });
    }

    /// <summary>Registers pinning configured in code.</summary>
    /// <exception cref="InvalidOperationException">Pinning is already registered: a second registration would silently replace the first one's policies.</exception>
    public static IServiceCollection AddCertificatePinning(this IServiceCollection services, Action<PinningOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        RegisterOnce(services);
        return Register(services, configure);
    }

    private static void RegisterOnce(IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(Registered)))
        {
            throw new InvalidOperationException(
                "AddCertificatePinning is called a second time; the second registration's document would silently replace the first one's policies, unpinning their hosts. Register pinning once, with every policy in one document (one configuration section, or one PinningConfiguration); adjust options afterwards with services.Configure<PinningOptions>(...).");
        }

        services.AddSingleton<Registered>();
    }

    private static IServiceCollection Register(IServiceCollection services, Action<PinningOptions> configure)
    {
        services.AddOptions<PinningOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PinningOptions>, PinningOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PinningOptions>, PinningPolicyValidator>());
        services.AddMetrics();
        services.TryAddSingleton(sp => new PinningPolicyMonitor(sp, sp.GetService<ILoggerFactory>()));
        services.TryAddSingleton<PinningMetrics>();
        services.TryAddSingleton(TimeProvider.System);
        PinViolationReportSender.Register(services, ReportOptions, sp => sp.GetRequiredService<IOptionsMonitor<PinningOptions>>().CurrentValue.CustomTrustRoots);
        services.TryAddSingleton(sp => new PinningReporter(
            ReportOptions(sp),
            sp.GetRequiredService<PinViolationReportSender>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(),
            sp.GetService<ILoggerFactory>()));
        services.TryAddSingleton(sp => new CertificatePinning(
            sp.GetRequiredService<PinningPolicyMonitor>(),
            sp.GetRequiredService<PinningMetrics>(),
            sp.GetRequiredService<PinningReporter>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILoggerFactory>(),
            sp.GetService<PinBundleRefresher>()));
        // The reloading pinner itself, for code that pins what Pinset has no adapter for (SslStream options, a library's hook).
        services.TryAddSingleton(sp => sp.GetRequiredService<CertificatePinning>().Pinner);
        services.TryAddSingleton<PinnedClientNames>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHttpMessageHandlerBuilderFilter, PinningHandlerFilter>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, PinningStartup>());
        AddBundles(services);
        return services;
    }

    private static PinningReportOptions ReportOptions(IServiceProvider services) =>
        services.GetRequiredService<IOptionsMonitor<PinningOptions>>().CurrentValue.Reporting;

    /// <summary>The pin bundle store, its background refresher, and the client it fetches with (inert without a bundle URL).</summary>
    private static void AddBundles(IServiceCollection services)
    {
        services.TryAddSingleton(sp => new PinBundleStore(sp.GetRequiredService<TimeProvider>(), sp.GetService<ILoggerFactory>(), sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.TryAddSingleton<PinBundleRefresher>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, PinBundleRefresher>(sp => sp.GetRequiredService<PinBundleRefresher>()));
        PinBundleClient.Register(services);
    }

    /// <summary>Marks a collection that has pinning registered.</summary>
    private sealed class Registered;

    private sealed class SectionChangeTokenSource(IConfiguration section) : IOptionsChangeTokenSource<PinningOptions>
    {
        public string Name => Options.DefaultName;

        public IChangeToken GetChangeToken() => section.GetReloadToken();
    }
}
