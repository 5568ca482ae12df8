using System.Diagnostics.Metrics;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;
using Pinset.Extensions.OutsideApp;

namespace Pinset.Extensions.Tests;

/// <summary>Pin-violation reports: RFC 7469 bodies, delivered off the handshake path, deduplicated, bounded, drained.</summary>
public sealed class PinningReporterTests : IDisposable
{
    private readonly TestPki _pki = new();

    public void Dispose() => _pki.Dispose();

    private Dictionary<string, string?> Policy(Uri reportUri, string? mode = null, string host = TestPki.DefaultHost)
    {
        var values = PinnedHost.Section([host], [_pki.Intermediate.Pin, TestPki.BackupPin], mode);
        values["pinning:policies:0:reportUris:0"] = reportUri.ToString();
        values["pinning:policies:0:expires"] = "2099-01-01T00:00:00Z";
        return values;
    }

    private static HttpClient Client(IServiceProvider services, int port) =>
        new(PinnedHost.RouteTo(port, services.GetRequiredService<CertificatePinning>().CreateHttpHandler()));

    [Fact]
    public async Task ReportOnly_ThroughInterceptor_PassesAndExactlyOneReportArrives()
    {
        await using var endpoint = await ReportEndpoint.StartAsync();
        await using var interceptor = await KestrelExchange.StartAsync(_pki.InterceptorLeaf, [_pki.InterceptorLeaf]);
        await using (var host = await PinnedHost.StartAsync(Policy(endpoint.Url, "report-only"), _pki, s => s.Configure<PinningOptions>(o =>
        {
            o.Reporting.AppName = "bot";
            o.Reporting.AppVersion = "1.2.3";
        })))
        {
            using var suppressed = new MetricCollector<long>(host.Services.GetRequiredService<IMeterFactory>(), PinningMetricNames.Meter, PinningMetricNames.ReportsSuppressed);
            using (var client = Client(host.Services, interceptor.Port))
            {
                Assert.Equal("BTC-USD 97000.00", await client.GetStringAsync(new Uri(interceptor.Url(), "ticker")));
            }

            using (var again = Client(host.Services, interceptor.Port))
            {
                await again.GetStringAsync(new Uri(interceptor.Url(), "ticker"));
            }

            await endpoint.WaitForReportsAsync(1);
            Assert.Single(suppressed.GetMeasurementSnapshot());
        }

        var report = Assert.Single(endpoint.Reports);
        Assert.StartsWith("application/json", report.ContentType, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(report.Body);
        var root = json.RootElement;
        Assert.True(DateTimeOffset.TryParse(root.GetProperty("date-time").GetString(), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out _));
        Assert.EndsWith("Z", root.GetProperty("date-time").GetString(), StringComparison.Ordinal);
        Assert.Equal(TestPki.DefaultHost, root.GetProperty("hostname").GetString());
        Assert.Equal(JsonValueKind.Number, root.GetProperty("port").ValueKind);
        Assert.Equal("2099-01-01T00:00:00Z", root.GetProperty("effective-expiration-date").GetString());
        Assert.False(root.GetProperty("include-subdomains").GetBoolean());
        Assert.Equal(TestPki.DefaultHost, root.GetProperty("noted-hostname").GetString());
        Assert.Equal([$"pin-sha256=\"{_pki.Intermediate.Pin.ToBase64()}\"", $"pin-sha256=\"{TestPki.BackupPin.ToBase64()}\""],
            root.GetProperty("known-pins").EnumerateArray().Select(p => p.GetString()));
        var validated = root.GetProperty("validated-certificate-chain").EnumerateArray().Select(p => X509Certificate2.CreateFromPem(p.GetString())).ToList();
        Assert.Equal([_pki.InterceptorLeaf.Thumbprint, _pki.InterceptorRoot.Certificate.Thumbprint], validated.Select(c => c.Thumbprint));
        var served = root.GetProperty("served-certificate-chain").EnumerateArray().Select(p => X509Certificate2.CreateFromPem(p.GetString())).ToList();
        Assert.Equal(_pki.InterceptorLeaf.Thumbprint, served[0].Thumbprint);
        Assert.Equal("report-only", root.GetProperty("mode").GetString());
        Assert.Equal("PinMismatch", root.GetProperty("outcome").GetString());
        Assert.Equal("bot", root.GetProperty("app-name").GetString());
        Assert.Equal("1.2.3", root.GetProperty("app-version").GetString());
    }

    [Fact]
    public async Task Enforced_RefusedAndReported_SlowEndpointDoesNotHoldTheVerdict()
    {
        await using var endpoint = await ReportEndpoint.StartAsync(ReportEndpointBehaviour.Hang);
        await using var interceptor = await KestrelExchange.StartAsync(_pki.InterceptorLeaf, [_pki.InterceptorLeaf]);
        await using var host = await PinnedHost.StartAsync(Policy(endpoint.Url), _pki);
        using var client = Client(host.Services, interceptor.Port);
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetStringAsync(new Uri(interceptor.Url(), "ticker")));
        Assert.IsType<PinValidationException>(error.InnerException);
        await endpoint.WaitForReportsAsync(1);

        // The report is still held by the endpoint, unanswered, and the refusal was already delivered: reporting is off the handshake path.
        using var second = Client(host.Services, interceptor.Port);
        await Assert.ThrowsAsync<HttpRequestException>(() => second.GetStringAsync(new Uri(interceptor.Url(), "ticker")));
        Assert.Equal(0, interceptor.Requests);
        endpoint.Release();
    }

    [Theory]
    [InlineData(ReportEndpointBehaviour.Fail)]
    [InlineData(null)]
    public async Task DeadOrFailingEndpoint_VerdictUnchanged_RetriedThenCountedFailed(ReportEndpointBehaviour? behaviour)
    {
        await using var endpoint = await ReportEndpoint.StartAsync(behaviour ?? ReportEndpointBehaviour.Accept);
        var uri = behaviour is null ? new Uri("http://127.0.0.1:1/reports") : endpoint.Url;
        await using var genuine = await KestrelExchange.StartAsync(_pki.Leaf, _pki.GenuineChain());
        await using var interceptor = await KestrelExchange.StartAsync(_pki.InterceptorLeaf, [_pki.InterceptorLeaf]);
        await using var host = await PinnedHost.StartAsync(Policy(uri), _pki, s => s.Configure<PinningOptions>(o =>
        {
            o.Reporting.MaxAttempts = 3;
            o.Reporting.RetryDelay = TimeSpan.FromMilliseconds(5);
        }));
        using var failed = new MetricCollector<long>(host.Services.GetRequiredService<IMeterFactory>(), PinningMetricNames.Meter, PinningMetricNames.ReportsFailed);

        using (var client = Client(host.Services, interceptor.Port))
        {
            await Assert.ThrowsAsync<HttpRequestException>(() => client.GetStringAsync(new Uri(interceptor.Url(), "ticker")));
        }

        using (var client = Client(host.Services, genuine.Port))
        {
            Assert.Equal("BTC-USD 97000.00", await client.GetStringAsync(new Uri(genuine.Url(), "ticker")));
        }

        await failed.WaitForMeasurementsAsync(1, TimeSpan.FromSeconds(30));
        if (behaviour is not null)
        {
            Assert.Equal(3, endpoint.Reports.Count);
        }

    }

    [Fact]
    public async Task Duplicates_SentOncePer24Hours()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var endpoint = await ReportEndpoint.StartAsync();
        await using var interceptor = await KestrelExchange.StartAsync(_pki.InterceptorLeaf, [_pki.InterceptorLeaf]);
        await using var host = await PinnedHost.StartAsync(Policy(endpoint.Url, "report-only"), _pki, s => s.AddSingleton<TimeProvider>(time));
        async Task CallAsync()
        {
            using var client = Client(host.Services, interceptor.Port);
            await client.GetStringAsync(new Uri(interceptor.Url(), "ticker"));
        }

        // Delivered, not only received: advancing the clock while the POST is in flight would fire its timeout.
        using var sent = new MetricCollector<long>(host.Services.GetRequiredService<IMeterFactory>(), PinningMetricNames.Meter, PinningMetricNames.ReportsSent);
        await CallAsync();
        await sent.WaitForMeasurementsAsync(1, TimeSpan.FromSeconds(30));
        time.Advance(TimeSpan.FromHours(23));
        await CallAsync();
        time.Advance(TimeSpan.FromHours(1));
        await CallAsync();
        await sent.WaitForMeasurementsAsync(2, TimeSpan.FromSeconds(30));
        await host.DisposeAsync();
        Assert.Equal(2, endpoint.Reports.Count);
    }

    [Fact]
    public async Task HttpsCollectorUnderTheAppsPrivateCa_ReportArrives()
    {
        // The app trusts its private CA (PinningOptions.CustomTrustRoots), which also issued its collector's certificate.
        await using var endpoint = await ReportEndpoint.StartAsync(chain: _pki.GenuineChain());
        await using var interceptor = await KestrelExchange.StartAsync(_pki.InterceptorLeaf, [_pki.InterceptorLeaf]);
        await using var host = await PinnedHost.StartAsync(Policy(endpoint.Url), _pki);
        using var client = Client(host.Services, interceptor.Port);
        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetStringAsync(new Uri(interceptor.Url(), "ticker")));
        await endpoint.WaitForReportsAsync(1);
        Assert.Equal(Uri.UriSchemeHttps, endpoint.Url.Scheme);
        OwnClientLogs.AssertOnlyPinsetSpeaks(host.Services);
    }

    [Fact]
    public async Task CollectorCertificateRefused_NotRetried_LoggedNamingTheSettingToChange()
    {
        await using var endpoint = await ReportEndpoint.StartAsync(chain: _pki.GenuineChain());
        await using var interceptor = await KestrelExchange.StartAsync(_pki.InterceptorLeaf, [_pki.InterceptorLeaf]);
        await using var host = await PinnedHost.StartAsync(Policy(endpoint.Url), _pki, s => s.Configure<PinningOptions>(o =>
        {
            o.Reporting.CustomTrustRoots = [_pki.InterceptorRoot.Certificate];
            o.Reporting.RetryDelay = TimeSpan.FromMilliseconds(5);
        }));
        using var failed = new MetricCollector<long>(host.Services.GetRequiredService<IMeterFactory>(), PinningMetricNames.Meter, PinningMetricNames.ReportsFailed);
        using (var client = Client(host.Services, interceptor.Port))
        {
            await Assert.ThrowsAsync<HttpRequestException>(() => client.GetStringAsync(new Uri(interceptor.Url(), "ticker")));
        }

        await failed.WaitForMeasurementsAsync(1, TimeSpan.FromSeconds(30));
        var logged = Assert.Single(host.Services.GetFakeLogCollector().GetSnapshot(), r => r.Category == "Pinset" && r.Id.Id == 7);
        Assert.Contains("(attempt 1 of 3)", logged.Message, StringComparison.Ordinal);
        Assert.Contains("The report endpoint's certificate was refused by the report client, which trusts the roots of Reporting.CustomTrustRoots", logged.Message, StringComparison.Ordinal);
        Assert.Contains("add the root that issued its certificate to Reporting.CustomTrustRoots", logged.Message, StringComparison.Ordinal);
        Assert.Empty(endpoint.Reports);
        OwnClientLogs.AssertOnlyPinsetSpeaks(host.Services);
    }

    [Fact]
    public async Task FullQueue_DropsAndCounts()
    {
        await using var endpoint = await ReportEndpoint.StartAsync(ReportEndpointBehaviour.Hang);
        await using var services = Services(TimeProvider.System, new PinningReportOptions { QueueCapacity = 1, ShutdownTimeout = TimeSpan.FromSeconds(1) });
        using var dropped = new MetricCollector<long>(services.GetRequiredService<IMeterFactory>(), PinningMetricNames.Meter, PinningMetricNames.ReportsDropped);
        await using var reporter = Reporter(services);

        reporter.Enqueue(Failure(endpoint.Url, "a.exchange.test"));
        await endpoint.WaitForReportsAsync(1);
        reporter.Enqueue(Failure(endpoint.Url, "b.exchange.test"));
        reporter.Enqueue(Failure(endpoint.Url, "c.exchange.test"));
        Assert.Equal(1, Assert.Single(dropped.GetMeasurementSnapshot()).Value);
        endpoint.Release();
    }

    [Fact]
    public async Task Shutdown_DrainsQueue_AndStopsWaitingAtItsBound()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using (var accepting = await ReportEndpoint.StartAsync())
        await using (var system = Services(TimeProvider.System))
        {
            var reporter = Reporter(system);
            reporter.Enqueue(Failure(accepting.Url, "a.exchange.test"));
            reporter.Enqueue(Failure(accepting.Url, "b.exchange.test"));
            await reporter.DisposeAsync();
            Assert.Equal(2, accepting.Reports.Count);
        }

        await using var hanging = await ReportEndpoint.StartAsync(ReportEndpointBehaviour.Hang);
        await using var services = Services(time, new PinningReportOptions { ShutdownTimeout = TimeSpan.FromSeconds(5), RequestTimeout = TimeSpan.FromHours(1), TotalTimeout = TimeSpan.FromHours(1) });
        var stuck = Reporter(services);
        stuck.Enqueue(Failure(hanging.Url, "a.exchange.test"));
        await hanging.WaitForReportsAsync(1);
        var disposing = stuck.DisposeAsync().AsTask();
        Assert.False(disposing.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(5));
        await disposing.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task DeadCollector_CircuitOpens_FailuresCountedWithoutRequestsOrWaiting()
    {
        // One attempt per report and a circuit that opens after two failures: the third report fails at once, with no
        // request to the collector and no wait on the clock (which never moves in this test), and is counted and logged.
        await using var endpoint = await ReportEndpoint.StartAsync(ReportEndpointBehaviour.Fail);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var services = Services(time, new PinningReportOptions { MaxAttempts = 1, BreakAfterFailures = 2 });
        using var failed = new MetricCollector<long>(services.GetRequiredService<IMeterFactory>(), PinningMetricNames.Meter, PinningMetricNames.ReportsFailed);
        using var sent = new MetricCollector<long>(services.GetRequiredService<IMeterFactory>(), PinningMetricNames.Meter, PinningMetricNames.ReportsSent);
        await using var reporter = Reporter(services);
        foreach (var host in new[] { "a.exchange.test", "b.exchange.test", "c.exchange.test" })
        {
            reporter.Enqueue(Failure(endpoint.Url, host));
        }

        await failed.WaitForMeasurementsAsync(3, TimeSpan.FromSeconds(30));
        Assert.Equal(2, endpoint.Reports.Count);
        Assert.Empty(sent.GetMeasurementSnapshot());
        var logged = services.GetFakeLogCollector().GetSnapshot().Where(r => r.Category == "Pinset" && r.Id.Id == 7).Select(r => r.Message).ToList();
        Assert.Equal(3, logged.Count);
        Assert.Contains("'c.exchange.test'", logged[2], StringComparison.Ordinal);
        Assert.Contains("circuit is open", logged[2], StringComparison.Ordinal);
        Assert.Contains("(attempt 1 of 1): answered 500 Internal Server Error.", logged[0], StringComparison.Ordinal);
    }

    public static TheoryData<string> ShutdownPaths => [.. HostEnding.Paths];

    [Theory]
    [MemberData(nameof(ShutdownPaths))]
    public async Task HostShutdown_ReportQueuedBehindASlowOne_IsSentAndNothingIsThrown(string shutdown)
    {
        // The refused handshake queues one report per URI: the first endpoint holds its report until the container is
        // being disposed, so the second report is sent while the app shuts down, as a report queued at the last moment is.
        await using var slow = await ReportEndpoint.StartAsync(ReportEndpointBehaviour.Hang);
        await using var collector = await ReportEndpoint.StartAsync();
        await using var interceptor = await KestrelExchange.StartAsync(_pki.InterceptorLeaf, [_pki.InterceptorLeaf]);
        var values = Policy(slow.Url);
        values["pinning:policies:0:reportUris:1"] = collector.Url.ToString();
        var app = await PinnedHost.StartAsync(values, _pki, s =>
        {
            s.AddSingleton<DisposalSignal>();
            s.AddHttpClient("exchange").ConfigurePrimaryHttpMessageHandler(() => PinnedHost.RouteTo(interceptor.Port)).UseCertificatePinning();
        });
        using (var client = app.Services.GetRequiredService<IHttpClientFactory>().CreateClient("exchange"))
        {
            await Assert.ThrowsAsync<PinValidationException>(() => client.GetStringAsync(new Uri(interceptor.Url(), "ticker")));
        }

        await slow.WaitForReportsAsync(1);
        var disposal = app.Services.GetRequiredService<DisposalSignal>(); // made last, so disposed first
        var ended = Task.Run(() => HostEnding.EndAsync(app.Host, shutdown));
        await disposal.Disposed.WaitAsync(TimeSpan.FromSeconds(30));
        slow.Release();
        await ended.WaitAsync(TimeSpan.FromSeconds(30));

        var report = Assert.Single(collector.Reports);
        using var json = JsonDocument.Parse(report.Body);
        Assert.Equal(TestPki.DefaultHost, json.RootElement.GetProperty("hostname").GetString());
        Assert.Equal("PinMismatch", json.RootElement.GetProperty("outcome").GetString());
        Assert.Single(slow.Reports);
    }

    [Theory]
    [MemberData(nameof(ShutdownPaths))]
    public async Task HostShutdown_EndpointNeverAnswers_ReportsAbandonedAfterShutdownTimeout_CountedLoggedNotThrown(string shutdown)
    {
        var time = new WatchedTimeProvider();
        var shutdownTimeout = TimeSpan.FromSeconds(7);
        await using var first = await ReportEndpoint.StartAsync(ReportEndpointBehaviour.Hang);
        await using var second = await ReportEndpoint.StartAsync(ReportEndpointBehaviour.Hang);
        await using var interceptor = await KestrelExchange.StartAsync(_pki.InterceptorLeaf, [_pki.InterceptorLeaf]);
        var values = Policy(first.Url);
        values["pinning:policies:0:reportUris:1"] = second.Url.ToString();
        var app = await PinnedHost.StartAsync(values, _pki, s =>
        {
            s.AddSingleton<TimeProvider>(time);
            s.Configure<PinningOptions>(o =>
            {
                o.Reporting.ShutdownTimeout = shutdownTimeout;
                o.Reporting.RequestTimeout = TimeSpan.FromHours(1);
                o.Reporting.TotalTimeout = TimeSpan.FromHours(1);
            });
        });
        using var abandoned = new MetricCollector<long>(app.Services.GetRequiredService<IMeterFactory>(), PinningMetricNames.Meter, PinningMetricNames.ReportsAbandoned);
        using (var client = Client(app.Services, interceptor.Port))
        {
            await Assert.ThrowsAsync<HttpRequestException>(() => client.GetStringAsync(new Uri(interceptor.Url(), "ticker")));
        }

        await first.WaitForReportsAsync(1);
        var logs = app.Services.GetFakeLogCollector();
        var ended = Task.Run(() => HostEnding.EndAsync(app.Host, shutdown));
        await time.WaitForTimerAsync(t => t == shutdownTimeout);
        Assert.False(ended.IsCompleted);
        time.Advance(shutdownTimeout);
        await ended.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(2, abandoned.GetMeasurementSnapshot().Sum(m => m.Value));
        var logged = Assert.Single(logs.GetSnapshot(), r => r.Category == "Pinset" && r.Id.Id == 15);
        Assert.Contains("2 pin-violation report(s) could not be sent before the app shut down", logged.Message, StringComparison.Ordinal);
        Assert.Contains("Reporting.ShutdownTimeout '00:00:07'", logged.Message, StringComparison.Ordinal);
        Assert.Empty(second.Reports);
    }

    [Theory]
    [MemberData(nameof(ShutdownPaths))]
    public async Task AppProcess_EndsRightAfterARefusal_ExitsZeroAndItsReportArrives(string shutdown)
    {
        // The app of test/Pinset.Extensions.OutsideApp, in its own process: it is refused, queues a report, and ends at once.
        await using var collector = await ReportEndpoint.StartAsync();
        await using var interceptor = await KestrelExchange.StartAsync(_pki.InterceptorLeaf, [_pki.InterceptorLeaf]);
        using var dir = new TempDirectory();
        var roots = dir.File("roots.pem");
        await File.WriteAllTextAsync(roots, string.Concat(_pki.TrustBoth().Select(c => c.ExportCertificatePem() + "\n")));
        string[] arguments =
        [
            "--roots", roots, "--url", new Uri(interceptor.Url(host: "localhost"), "ticker").ToString(), "--shutdown", shutdown,
            "--pinning:policies:0:hosts:0", "localhost",
            "--pinning:policies:0:pins:0", _pki.Intermediate.Pin.ToString(),
            "--pinning:policies:0:pins:1", TestPki.BackupPin.ToString(),
            "--pinning:policies:0:reportUris:0", collector.Url.ToString(),
        ];
        var app = DotnetBuild.Exec(Path.Combine(AppContext.BaseDirectory, "Pinset.Extensions.OutsideApp.dll"));
        var (exit, output, error) = await DotnetBuild.Sdk.RunAsync([.. app, .. arguments], limit: TimeSpan.FromSeconds(60));

        Assert.True(exit == 0 && error.Length == 0, $"The app exited {exit}.\n--- stdout\n{output}\n--- stderr\n{error}");
        Assert.Contains("Refused: PinMismatch.", output, StringComparison.Ordinal);
        Assert.Contains("Ended.", output, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(Assert.Single(collector.Reports).Body);
        Assert.Equal("localhost", json.RootElement.GetProperty("hostname").GetString());
        Assert.Equal("PinMismatch", json.RootElement.GetProperty("outcome").GetString());
    }

    /// <summary>An app's own singleton; resolved last, the container disposes it first, when its disposal has begun.</summary>
    private sealed class DisposalSignal : IDisposable
    {
        private readonly TaskCompletionSource _disposed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Disposed => _disposed.Task;

        public void Dispose() => _disposed.TrySetResult();
    }

    /// <summary>A container with the report sender, on <paramref name="time"/>, with metrics and fake logging.</summary>
    private static ServiceProvider Services(TimeProvider time, PinningReportOptions? options = null)
    {
        var services = new ServiceCollection().AddMetrics().AddFakeLogging().AddSingleton(time);
        services.AddSingleton(options ?? new PinningReportOptions());
        PinViolationReportSender.Register(services, sp => sp.GetRequiredService<PinningReportOptions>());
        return services.BuildServiceProvider();
    }

    /// <summary>A reporter as AddCertificatePinning makes it, with the options and sender of <paramref name="services"/>.</summary>
    private static PinningReporter Reporter(ServiceProvider services) => new(
        services.GetRequiredService<PinningReportOptions>(),
        services.GetRequiredService<PinViolationReportSender>(),
        services.GetRequiredService<TimeProvider>(),
        services.GetRequiredService<IMeterFactory>(),
        services.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>());

    /// <summary>A real refusing result for <paramref name="host"/>: the interceptor's chain, built by the platform, against the genuine pins.</summary>
    private PinValidationResult Failure(Uri reportUri, string host)
    {
        var policy = PinningPolicy.Create(new()
        {
            Policies = [new() { Hosts = ["*.exchange.test"], Pins = [_pki.Intermediate.Pin.ToString(), TestPki.BackupPin.ToString()], ReportUris = [reportUri.ToString()] }],
        });
        var pinner = new CertificatePinner(policy, new CertificatePinnerOptions { CustomTrustRoots = _pki.TrustBoth() });
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.CustomTrustStore.AddRange(_pki.TrustBoth());
        Assert.True(chain.Build(_pki.InterceptorLeaf));
        var result = pinner.Validate(host, 443, _pki.InterceptorLeaf, chain, System.Net.Security.SslPolicyErrors.None);
        Assert.Equal(PinValidationOutcome.PinMismatch, result.Outcome);
        return result;
    }
}
