using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;

namespace Pinset.Extensions.Tests;

/// <summary>
/// Wirings Pinset cannot pin stop the app at start-up with the client's name and the reason, instead of failing at the
/// first request, or worse, connecting unpinned.
/// </summary>
public sealed class UnpinnableRouteTests : IDisposable
{
    private readonly TestPki _pki = new();

    public void Dispose() => _pki.Dispose();

    private Dictionary<string, string?> Policy => PinnedHost.Section(["localhost"], [_pki.Intermediate.Pin, TestPki.BackupPin]);

    private sealed class CustomHandler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage());
    }

    private sealed class RelayHandler : DelegatingHandler;

    public static TheoryData<string, string> Wirings => new()
    {
        { "custom primary handler", "Pinset pins SocketsHttpHandler and HttpClientHandler" },
        { "delegating chain over a custom handler", "the innermost handler of its" },
        { "accept-any callback", "already has a certificate callback" },
        { "HttpClientHandler accept-any callback", "already has a certificate callback" },
        { "chain policy ignoring an unknown CA", "AllowUnknownCertificateAuthority" },
        { "chain policy at a fixed time", "VerificationTime is fixed" },
        { "chain policy trusting a root by hand", "roots set by hand" },
        { "defaults with a custom primary handler", "Pinset pins SocketsHttpHandler and HttpClientHandler" },
    };

    [Theory]
    [MemberData(nameof(Wirings))]
    public async Task StartUp_UnpinnableClient_RefusedNamingClientAndReason(string wiring, string reason)
    {
        // A chain policy of the app's own is refused for what it relaxes; with system trust, not because the pinner has roots too.
        bool systemTrust = wiring.StartsWith("chain policy", StringComparison.Ordinal);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => PinnedHost.StartAsync(Policy, _pki, services => Register(services, wiring), systemTrust));
        Assert.Contains(wiring.StartsWith("defaults", StringComparison.Ordinal) ? "HttpClient ''" : "HttpClient 'exchange'", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.Contains("cannot be pinned, so the app does not start", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartUp_SharedHandlerThatAlreadySentARequest_Refused()
    {
        await using var genuine = await KestrelExchange.StartAsync(_pki.Leaf, _pki.GenuineChain());
        var shared = new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = null } };
        shared.SslOptions.CertificateChainPolicy = null;
        using (var early = new HttpClient(shared, disposeHandler: false))
        {
            // An app that used its handler before handing it to the factory: the handler's settings are now frozen.
            await Assert.ThrowsAsync<HttpRequestException>(() => early.GetAsync(new Uri($"https://localhost:{genuine.Port}/ticker")));
        }

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => PinnedHost.StartAsync(Policy, _pki, services =>
            services.AddHttpClient("exchange").ConfigurePrimaryHttpMessageHandler(() => shared).UseCertificatePinning()));
        Assert.Contains("HttpClient 'exchange'", error.Message, StringComparison.Ordinal);
        // The factory itself touches the handler's settings first (its meter factory), so the runtime's sentence may come before Pinset's.
        Assert.Matches("has already sent a request|has already started one or more requests", error.Message);
        shared.Dispose();
    }

    [Fact]
    public async Task DangerousAcceptRelaxedChainPolicy_OptedIn_UnknownCaPassesThePlatformButNotThePins()
    {
        await using var interceptor = await KestrelExchange.StartAsync(_pki.InterceptorLeaf, [_pki.InterceptorLeaf]);
        await using var host = await PinnedHost.StartAsync(Policy, _pki, services =>
        {
            services.Configure<PinningOptions>(o => o.DangerousAcceptRelaxedChainPolicy = true);
            services.AddHttpClient("exchange").UseCertificatePinning().ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                SslOptions = { CertificateChainPolicy = new X509ChainPolicy { VerificationFlags = X509VerificationFlags.AllowUnknownCertificateAuthority } },
            });
        }, systemTrust: true);
        var client = host.Services.GetRequiredService<IHttpClientFactory>().CreateClient("exchange");
        var refusal = await Assert.ThrowsAsync<PinValidationException>(() => client.GetStringAsync(new Uri($"https://localhost:{interceptor.Port}/ticker")));
        Assert.Equal(PinValidationOutcome.PinMismatch, refusal.Result.Outcome);
        Assert.Equal(0, interceptor.Requests);
    }

    private void Register(IServiceCollection services, string wiring)
    {
        var client = services.AddHttpClient("exchange");
        switch (wiring)
        {
            case "custom primary handler":
                client.ConfigurePrimaryHttpMessageHandler(() => new CustomHandler()).UseCertificatePinning();
                break;
            case "delegating chain over a custom handler":
                client.ConfigurePrimaryHttpMessageHandler(() => new RelayHandler { InnerHandler = new CustomHandler() }).UseCertificatePinning();
                break;
            case "accept-any callback":
                client.UseCertificatePinning().ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true } });
                break;
            case "HttpClientHandler accept-any callback":
                client.UseCertificatePinning().ConfigurePrimaryHttpMessageHandler(() => new HttpClientHandler { ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator });
                break;
            case "chain policy ignoring an unknown CA":
                client.UseCertificatePinning().ConfigurePrimaryHttpMessageHandler(() => Relaxed(new X509ChainPolicy { VerificationFlags = X509VerificationFlags.AllowUnknownCertificateAuthority }));
                break;
            case "chain policy at a fixed time":
                client.UseCertificatePinning().ConfigurePrimaryHttpMessageHandler(() => Relaxed(new X509ChainPolicy { VerificationTime = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc) }));
                break;
            case "chain policy trusting a root by hand":
                client.UseCertificatePinning().ConfigurePrimaryHttpMessageHandler(() =>
                {
                    var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust };
                    policy.CustomTrustStore.Add(_pki.InterceptorRoot.Certificate);
                    return Relaxed(policy);
                });
                break;
            case "defaults with a custom primary handler":
                services.ConfigureHttpClientDefaults(builder => builder.ConfigurePrimaryHttpMessageHandler(() => new CustomHandler()).UseCertificatePinning());
                break;
        }
    }

    private static SocketsHttpHandler Relaxed(X509ChainPolicy policy) => new() { SslOptions = { CertificateChainPolicy = policy } };
}
