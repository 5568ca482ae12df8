using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace Pinset.Extensions;

/// <summary>
/// The IHttpClientFactory client bundles are fetched with (<see cref="PinBundleRefresher.ClientName"/>): what it trusts
/// (<see cref="OwnClientTrust"/>: <see cref="PinBundleOptions.CustomTrustRoots"/>, else the app's roots, else the
/// system's) and how it retries (never a refused server certificate).
/// </summary>
internal static class PinBundleClient
{
    /// <summary>Registers the client: its primary handler, with the trust above, and its resilience (a total timeout, retries with jitter).</summary>
    public static void Register(IServiceCollection services)
    {
        services.AddHttpClient(PinBundleRefresher.ClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(sp => Handler(sp.GetRequiredService<IOptionsMonitor<PinningOptions>>().CurrentValue))
            .AddResilienceHandler("pinset-bundles", (pipeline, context) =>
            {
                var bundles = context.ServiceProvider.GetRequiredService<IOptionsMonitor<PinningOptions>>().CurrentValue.Bundles ?? new PinBundleOptions();
                pipeline.AddTimeout(bundles.RequestTimeout);
                if (bundles.MaxRetryAttempts == 0)
                {
                    return;
                }

                pipeline.AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = bundles.MaxRetryAttempts,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = TimeSpan.FromSeconds(1),
                    ShouldHandle = args => ValueTask.FromResult(!OwnClientTrust.IsCertificateRefusal(args.Outcome.Exception) && HttpClientResiliencePredicates.IsTransient(args.Outcome)),
                });
            });
    }

    /// <summary>What the fetch trusts: <see cref="PinBundleOptions.CustomTrustRoots"/>, else the app's roots, else the system's.</summary>
    public static OwnClientTrust Trust(PinningOptions options) =>
        new("the bundle fetch", "bundle server", "Bundles.CustomTrustRoots", options.Bundles?.CustomTrustRoots, options.CustomTrustRoots);

    private static SocketsHttpHandler Handler(PinningOptions options) =>
        Trust(options).Handler(new SocketsHttpHandler { AllowAutoRedirect = true, MaxAutomaticRedirections = 3 });
}
