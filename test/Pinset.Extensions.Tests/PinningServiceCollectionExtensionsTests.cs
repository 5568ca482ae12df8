using System.Net.WebSockets;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Options;
using Pinset.TestSupport.Grpc;

namespace Pinset.Extensions.Tests;

public sealed class PinningServiceCollectionExtensionsTests : IDisposable
{
    private readonly TestPki _pki = new();

    public void Dispose() => _pki.Dispose();

    private Dictionary<string, string?> Pinned(params SpkiPin[] pins) => PinnedHost.Section([TestPki.DefaultHost], [.. pins, TestPki.BackupPin]);

    private sealed class TickerClient(HttpClient http)
    {
        public Task<string> GetAsync(int port) => http.GetStringAsync(new Uri($"https://{TestPki.DefaultHost}:{port}/ticker"));
    }

    private static void AddTicker(IServiceCollection services, int port, bool resilience = false)
    {
        var builder = services.AddHttpClient<TickerClient>()
            .ConfigurePrimaryHttpMessageHandler(() => PinnedHost.RouteTo(port))
            .UseCertificatePinning();
        if (resilience)
        {
            builder.AddStandardResilienceHandler(o => o.Retry.MaxRetryAttempts = 1);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TypedClient_GenuinePasses_InterceptorRefused(bool resilience)
    {
        await using var genuine = await KestrelExchange.StartAsync(_pki.Leaf, _pki.GenuineChain());
        await using var interceptor = await KestrelExchange.StartAsync(_pki.InterceptorLeaf, [_pki.InterceptorLeaf]);

        await using (var host = await PinnedHost.StartAsync(Pinned(_pki.Intermediate.Pin), _pki, s => AddTicker(s, genuine.Port, resilience)))
        {
            Assert.Equal("BTC-USD 97000.00", await host.Services.GetRequiredService<TickerClient>().GetAsync(genuine.Port));
        }

        await using (var host = await PinnedHost.StartAsync(Pinned(_pki.Intermediate.Pin), _pki, s => AddTicker(s, interceptor.Port, resilience)))
        {
            await Assert.ThrowsAsync<PinValidationException>(() => host.Services.GetRequiredService<TickerClient>().GetAsync(interceptor.Port));
            Assert.Equal(0, interceptor.Requests);
            var log = host.Services.GetFakeLogCollector().GetSnapshot().Where(r => r.Id.Id == 1).ToList();
            Assert.NotEmpty(log);
            Assert.Contains("Certificate pinning failure!", log[0].Message, StringComparison.Ordinal);
            Assert.Equal("PinValidationFailed", log[0].Id.Name);
        }
    }

    [Fact]
    public async Task DefaultPrimaryHandler_PinnedToo()
    {
        await using var interceptor = await KestrelExchange.StartAsync(_pki.InterceptorLeaf, [_pki.InterceptorLeaf]);
        await using var host = await PinnedHost.StartAsync(PinnedHost.Section(["localhost"], [_pki.LeafPin, TestPki.BackupPin]), _pki,
            s => s.AddHttpClient("plain").UseCertificatePinning().UseCertificatePinning());
        var client = host.Services.GetRequiredService<IHttpClientFactory>().CreateClient("plain");
        await Assert.ThrowsAsync<PinValidationException>(() => client.GetStringAsync(new Uri($"https://localhost:{interceptor.Port}/ticker")));
        Assert.Equal(0, interceptor.Requests);
    }

    [Fact]
    public async Task StartUp_BadConfiguration_RefusedWithEveryError()
    {
        var values = new Dictionary<string, string?>
        {
            ["pinning:policies:0:hosts:0"] = "**.com",
            ["pinning:policies:0:pins:0"] = "sha256/AAAA",
            ["pinning:policies:0:pin:0"] = "typo",
            ["pinning:policies:1:hosts:0"] = "api.exchange.test",
            ["pinning:policies:1:pins:0"] = TestPki.BackupPin.ToString(),
            ["pinning:requirePinnedHosts"] = "maybe",
        };
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => PinnedHost.StartAsync(values, _pki));
        string[] expected =
        [
            "unknown key 'pin'",
            "public suffix 'com'",
            "'sha256/AAAA' is 3 bytes long",
            "at least two distinct pins",
            "'pinning.requirePinnedHosts' is 'maybe'",
        ];
        foreach (var text in expected)
        {
            Assert.Contains(error.Failures, f => f.Contains(text, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task StartUp_BundleSettingsInTheSection_RefusedSayingTheyAreSetInCode()
    {
        var values = new Dictionary<string, string?>(PinnedHost.Section(["api.exchange.test"], [_pki.LeafPin, TestPki.BackupPin]))
        {
            ["pinning:bundles:url"] = "https://pins.exchange.test/pins.jws",
            ["pinning:bundles:trustedKeys:0"] = "-----BEGIN PUBLIC KEY-----",
        };
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => PinnedHost.StartAsync(values, _pki));
        Assert.Contains(error.Failures, f => f.Contains(
            "pinning has an unknown key 'bundles'; expected 'policies', 'requirePinnedHosts'. PinningOptions.Bundles is set in code, not read from this section",
            StringComparison.Ordinal));
    }

    [Fact]
    public async Task ReportOnly_InterceptorAllowed_LoggedAsEvent3()
    {
        await using var interceptor = await KestrelExchange.StartAsync(_pki.InterceptorLeaf, [_pki.InterceptorLeaf]);
        await using var host = await PinnedHost.StartAsync(PinnedHost.Section([TestPki.DefaultHost], [_pki.Intermediate.Pin], mode: "report-only"), _pki, s => AddTicker(s, interceptor.Port));
        Assert.Equal("BTC-USD 97000.00", await host.Services.GetRequiredService<TickerClient>().GetAsync(interceptor.Port));
        var record = Assert.Single(host.Services.GetFakeLogCollector().GetSnapshot(), r => r.Id.Id == 3);
        Assert.Equal("ReportOnlyMismatch", record.Id.Name);
        Assert.Contains(SpkiPin.FromCertificate(_pki.InterceptorLeaf).ToString(), record.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UseCertificatePinning_WithoutAddCertificatePinning_RefusesToBuildTheClient()
    {
        var services = new ServiceCollection();
        services.AddHttpClient("exchange").UseCertificatePinning();
        using var provider = services.BuildServiceProvider();
        var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IHttpClientFactory>().CreateClient("exchange"));
        Assert.Contains("call services.AddCertificatePinning", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartUp_MissingSection_Refused()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => PinnedHost.StartAsync([], _pki));
        Assert.Contains(error.Failures, f => f.Contains("pinning.policies is empty", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Container_CertificatePinner_IsTheReloadingOne_PinningAnSslStream()
    {
        await using var host = await PinnedHost.StartAsync(Pinned(_pki.InterceptorRoot.Pin), _pki);
        var pinner = host.Services.GetRequiredService<CertificatePinner>();
        Assert.Same(host.Services.GetRequiredService<CertificatePinning>().Pinner, pinner);

        await using var genuine = LoopbackTlsServer.Start(_pki.Leaf, _pki.GenuineChain());
        async Task HandshakeAsync()
        {
            await using var tcp = await genuine.ConnectAsync();
            await using var tls = new System.Net.Security.SslStream(tcp);
            await tls.AuthenticateAsClientAsync(new System.Net.Security.SslClientAuthenticationOptions { TargetHost = TestPki.DefaultHost }.UseCertificatePinning(pinner));
        }

        Assert.Equal(PinValidationOutcome.PinMismatch, (await Assert.ThrowsAsync<PinValidationException>(HandshakeAsync)).Result.Outcome);
        host.Reload(Pinned(_pki.Root.Pin));
        await HandshakeAsync();
    }

    [Fact]
    public async Task Reload_SameContent_IsNoChange()
    {
        await using var host = await PinnedHost.StartAsync(Pinned(_pki.Root.Pin), _pki);
        var pinner = host.Services.GetRequiredService<CertificatePinning>().Pinner;
        var before = pinner.Policy;

        host.Reload(Pinned(_pki.Root.Pin));
        Assert.Same(before, pinner.Policy);
        Assert.DoesNotContain(host.Services.GetFakeLogCollector().GetSnapshot(), r => r.Id.Id == 4);

        host.Reload(Pinned(_pki.Intermediate.Pin));
        Assert.NotSame(before, pinner.Policy);
        Assert.Contains(host.Services.GetFakeLogCollector().GetSnapshot(), r => r.Id.Id == 4);
    }

    [Fact]
    public async Task Reload_NewPinsForNewConnections_BadReloadKeepsLastGood()
    {
        await using var genuine = await KestrelExchange.StartAsync(_pki.Leaf, _pki.GenuineChain());
        await using var host = await PinnedHost.StartAsync(Pinned(_pki.InterceptorRoot.Pin), _pki, s => AddTicker(s, genuine.Port));
        var client = () => host.Services.GetRequiredService<TickerClient>().GetAsync(genuine.Port);
        await Assert.ThrowsAsync<PinValidationException>(client);

        host.Reload(Pinned(_pki.Root.Pin));
        Assert.Equal("BTC-USD 97000.00", await client());
        var logs = host.Services.GetFakeLogCollector();
        Assert.Contains(logs.GetSnapshot(), r => r.Id.Id == 4 && r.Id.Name == "ReloadApplied");

        host.Reload(PinnedHost.Section(["**.com"], [TestPki.BackupPin]));
        var rejected = Assert.Single(logs.GetSnapshot(), r => r.Id.Id == 5);
        Assert.Contains("public suffix 'com'", rejected.Message, StringComparison.Ordinal);
        Assert.Contains("What is wrong (1):", rejected.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("1 errors", rejected.Message, StringComparison.Ordinal);
        Assert.Equal("BTC-USD 97000.00", await client());
        Assert.Equal(_pki.Root.Pin, host.Services.GetRequiredService<CertificatePinning>().Pinner.Policy.Policies[0].Pins[0]);
    }

    [Fact]
    public async Task CreateHttpHandler_BoundsPooledConnectionLifetime()
    {
        await using var host = await PinnedHost.StartAsync(Pinned(_pki.LeafPin), _pki, s => s.Configure<PinningOptions>(o => o.PooledConnectionLifetime = TimeSpan.FromSeconds(30)));
        using var handler = host.Services.GetRequiredService<CertificatePinning>().CreateHttpHandler();
        Assert.Equal(TimeSpan.FromSeconds(30), handler.PooledConnectionLifetime);
        Assert.NotNull(handler.SslOptions.RemoteCertificateValidationCallback);
    }

    [Fact]
    public async Task Options_LifetimeOutOfRange_RefusedBySourceGeneratedValidator()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => PinnedHost.StartAsync(Pinned(_pki.LeafPin), _pki,
            s => s.Configure<PinningOptions>(o => o.PooledConnectionLifetime = TimeSpan.FromDays(2))));
        Assert.Contains(error.Failures, f => f.Contains("PooledConnectionLifetime", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WebSocketAndGrpc_FromDi_PinnedAndRefused()
    {
        await using var genuine = await KestrelExchange.StartAsync(_pki.Leaf, _pki.GenuineChain());
        await using var interceptor = await KestrelExchange.StartAsync(_pki.InterceptorLeaf, [_pki.InterceptorLeaf]);
        await using var host = await PinnedHost.StartAsync(Pinned(_pki.Intermediate.Pin), _pki);
        var pinning = host.Services.GetRequiredService<CertificatePinning>();

        using (var socket = new ClientWebSocket())
        using (var invoker = new HttpMessageInvoker(PinnedHost.RouteTo(genuine.Port, pinning.CreateHttpHandler())))
        {
            await socket.ConnectAsync(new Uri(genuine.Url("wss"), "trades"), invoker, CancellationToken.None);
            var buffer = new byte[64];
            var received = await socket.ReceiveAsync(buffer, CancellationToken.None);
            Assert.Equal("trade BTC-USD 0.5", System.Text.Encoding.UTF8.GetString(buffer, 0, received.Count));
        }

        using (var socket = new ClientWebSocket())
        using (var invoker = new HttpMessageInvoker(PinnedHost.RouteTo(interceptor.Port, pinning.CreateHttpHandler())))
        {
            await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(new Uri(interceptor.Url("wss"), "trades"), invoker, CancellationToken.None));
        }

        using (var channel = GrpcChannel.ForAddress(genuine.Url(), new GrpcChannelOptions { HttpHandler = PinnedHost.RouteTo(genuine.Port, pinning.CreateHttpHandler()) }))
        {
            Assert.Equal("97000.00", (await new Ticker.TickerClient(channel).GetPriceAsync(new PriceRequest { Symbol = "BTC-USD" })).Price);
        }

        using (var channel = GrpcChannel.ForAddress(interceptor.Url(), new GrpcChannelOptions { HttpHandler = PinnedHost.RouteTo(interceptor.Port, pinning.CreateHttpHandler()) }))
        {
            await Assert.ThrowsAsync<global::Grpc.Core.RpcException>(() => new Ticker.TickerClient(channel).GetPriceAsync(new PriceRequest { Symbol = "BTC-USD" }).ResponseAsync);
        }

        Assert.Equal(0, interceptor.Requests);
    }

    [Fact]
    public async Task Metrics_CountValidationsAndFailuresByOutcomeAndPattern()
    {
        await using var genuine = await KestrelExchange.StartAsync(_pki.Leaf, _pki.GenuineChain());
        await using var interceptor = await KestrelExchange.StartAsync(_pki.InterceptorLeaf, [_pki.InterceptorLeaf]);
        var seen = new List<PinValidationResult>();
        await using var host = await PinnedHost.StartAsync(Pinned(_pki.Intermediate.Pin), _pki, s => s.Configure<PinningOptions>(o => o.OnValidated = r => { lock (seen) { seen.Add(r); } }));
        var meters = host.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        using var validations = new MetricCollector<long>(meters, PinningMetricNames.Meter, PinningMetricNames.Validations);
        using var failures = new MetricCollector<long>(meters, PinningMetricNames.Meter, PinningMetricNames.Failures);
        var pinning = host.Services.GetRequiredService<CertificatePinning>();

        using (var client = new HttpClient(PinnedHost.RouteTo(genuine.Port, pinning.CreateHttpHandler())))
        {
            await client.GetStringAsync(new Uri(genuine.Url(), "ticker"));
        }

        using (var client = new HttpClient(PinnedHost.RouteTo(interceptor.Port, pinning.CreateHttpHandler())))
        {
            await Assert.ThrowsAsync<HttpRequestException>(() => client.GetStringAsync(new Uri(interceptor.Url(), "ticker")));
        }

        var all = validations.GetMeasurementSnapshot();
        Assert.Equal(2, all.Count);
        Assert.Contains(all, m => (string?)m.Tags[PinningMetricNames.OutcomeTag] == "PinMatched" && (string?)m.Tags[PinningMetricNames.HostTag] == TestPki.DefaultHost);
        var failed = Assert.Single(failures.GetMeasurementSnapshot());
        Assert.Equal("PinMismatch", failed.Tags[PinningMetricNames.OutcomeTag]);
        Assert.Equal([PinValidationOutcome.PinMatched, PinValidationOutcome.PinMismatch], seen.Select(r => r.Outcome));
    }

    [Fact]
    public void MetricNames_AreLowerCaseDotted() => Assert.All(
        [PinningMetricNames.Validations, PinningMetricNames.Failures, PinningMetricNames.UnpinnedHandshakes, PinningMetricNames.OutcomeTag, PinningMetricNames.HostTag],
        name => Assert.Matches("^pinset(\\.[a-z]+(_[a-z]+)*)+$", name));
}
