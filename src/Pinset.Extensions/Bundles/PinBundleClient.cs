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
    /// <summary>
    /// Registers the client: its primary handler, with the trust above, and its resilience (a total timeout, retries with
    /// jitter). It logs nothing of its own: neither the factory's 'System.Net.Http.HttpClient...' lines at Information for
    /// every fetch nor Polly's attempts (a failure as a warning with a stack trace); the refresher says what a fetch did,
    /// once, in Pinset's own category.
    /// </summary>
    public static void Register(IServiceCollection services)
    {
        services.AddHttpClient(PinBundleRefresher.ClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .RemoveAllLoggers()
            .ConfigurePrimaryHttpMessageHandler(sp => Handler(sp.GetRequiredService<IOptionsMonitor<PinningOptions>>().CurrentValue))
            .AddHttpMessageHandler(sp => new ResilienceHandler(Pipeline(
                sp.GetRequiredService<IOptionsMonitor<PinningOptions>>().CurrentValue.Bundles ?? new PinBundleOptions(),
                sp.GetService<TimeProvider>() ?? TimeProvider.System)));
    }

    /// <summary>A fetch's timeout and retries, without telemetry (Polly's own logging is off: see <see cref="Register"/>).</summary>
    private static ResiliencePipeline<HttpResponseMessage> Pipeline(PinBundleOptions bundles, TimeProvider time)
    {
        var pipeline = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time }.AddTimeout(bundles.RequestTimeout);
        if (bundles.MaxRetryAttempts > 0)
        {
            pipeline.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = bundles.MaxRetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromSeconds(1),
                ShouldHandle = args => ValueTask.FromResult(!OwnClientTrust.IsCertificateRefusal(args.Outcome.Exception) && HttpClientResiliencePredicates.IsTransient(args.Outcome)),
            });
        }

        return pipeline.Build();
    }

    /// <summary>What the fetch trusts: <see cref="PinBundleOptions.CustomTrustRoots"/>, else the app's roots, else the system's.</summary>
    public static OwnClientTrust Trust(PinningOptions options) =>
        new("the bundle fetch", "bundle server", "Bundles.CustomTrustRoots", options.Bundles?.CustomTrustRoots, options.CustomTrustRoots);

    private static SocketsHttpHandler Handler(PinningOptions options) =>
        Trust(options).Handler(new SocketsHttpHandler { AllowAutoRedirect = true, MaxAutomaticRedirections = 3 });
}
