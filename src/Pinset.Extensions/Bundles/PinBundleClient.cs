using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace Pinset.Extensions;

/// <summary>
/// The IHttpClientFactory client bundles are fetched with (<see cref="PinBundleRefresher.ClientName"/>): what it trusts
/// and how it retries. It trusts one setting, in this order: <see cref="PinBundleOptions.CustomTrustRoots"/> when given,
/// else the app's <see cref="PinningOptions.CustomTrustRoots"/>, else the system's roots; always through the platform's
/// chain validation (a chain policy, never a certificate callback). A server certificate the fetch refuses is no
/// transient failure, so it is not retried, and the refusal names the setting to change.
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
                    ShouldHandle = args => ValueTask.FromResult(!IsCertificateRefusal(args.Outcome.Exception) && HttpClientResiliencePredicates.IsTransient(args.Outcome)),
                });
            });
    }

    /// <summary>The roots the fetch trusts; null for the system's.</summary>
    public static X509Certificate2Collection? Roots(PinningOptions options) => options.Bundles?.CustomTrustRoots ?? options.CustomTrustRoots;

    /// <summary>True when <paramref name="error"/> is the TLS handshake refusing the server's certificate (or failing otherwise).</summary>
    public static bool IsCertificateRefusal(Exception? error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (e is AuthenticationException)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>What to do when the handshake refused the bundle server: which setting the fetch followed, and which to change.</summary>
    public static string Refusal(PinningOptions options)
    {
        var trusts = options.Bundles?.CustomTrustRoots is not null
            ? "the roots of Bundles.CustomTrustRoots"
            : options.CustomTrustRoots is not null
                ? "the app's roots, PinningOptions.CustomTrustRoots (Bundles.CustomTrustRoots is not set)"
                : "the system's roots (neither Bundles.CustomTrustRoots nor PinningOptions.CustomTrustRoots is set)";
        return $"The bundle server's certificate was refused by the bundle fetch, which trusts {trusts}. If the server is the right one, add the root that issued the bundle server's certificate to Bundles.CustomTrustRoots (the bundle fetch's own trust, which takes the place of the app's), or serve the bundle with a certificate from a CA the fetch trusts.";
    }

    private static SocketsHttpHandler Handler(PinningOptions options)
    {
        var handler = new SocketsHttpHandler { AllowAutoRedirect = true, MaxAutomaticRedirections = 3 };
        if (Roots(options) is { Count: > 0 } roots)
        {
            handler.SslOptions.CertificateChainPolicy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
            handler.SslOptions.CertificateChainPolicy.CustomTrustStore.AddRange(roots);
        }

        return handler;
    }
}
