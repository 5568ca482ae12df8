using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Pinset.Extensions.Tests;

/// <summary>
/// Pin bundles fetched over real HTTPS on loopback and applied to a real pinned client: a newer signed bundle changes
/// the pins without a restart; every forged, replayed, rolled-back, oversized or slow answer changes nothing; the version
/// memory survives restarts and interrupted writes; a client starts pinned by its last good bundle offline; an expired
/// bundle falls back or fails closed, visibly.
/// </summary>
public sealed class PinBundleSourceTests : IAsyncLifetime
{
    private readonly TestPki _pki = new();
    private readonly ECDsa _signer = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ECDsa _nextSigner = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly TempDirectory _state = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private BundleServer _bundles = null!;
    private LoopbackHttpsServer _exchange = null!;

    private static readonly SpkiPin Unrelated = SpkiPin.FromSubjectPublicKeyInfo("a key no server has"u8);

    public async Task InitializeAsync()
    {
        _bundles = await BundleServer.StartAsync(_pki);
        _exchange = await LoopbackHttpsServer.StartAsync(_pki.Leaf, _pki.GenuineChain());
    }

    public async Task DisposeAsync()
    {
        await _bundles.DisposeAsync();
        await _exchange.DisposeAsync();
        _signer.Dispose();
        _nextSigner.Dispose();
        _state.Dispose();
        _pki.Dispose();
    }

    /// <summary>The app's own policy: the genuine exchange's keys are not in it, so only a bundle can admit it.</summary>
    private static PinningConfiguration Embedded => Pins(Unrelated, TestPki.BackupPin);

    private static PinningConfiguration Pins(params SpkiPin[] pins) => new()
    {
        Policies = [new HostPolicyConfiguration { Hosts = [TestPki.DefaultHost], Pins = [.. pins.Select(p => p.ToString())] }],
    };

    private string Bundle(long version, PinningConfiguration? pins = null, ECDsa? key = null, TimeSpan? validFor = null) =>
        PinBundle.Sign(pins ?? Pins(_pki.Intermediate.Pin, TestPki.BackupPin), version, _time.GetUtcNow(), _time.GetUtcNow() + (validFor ?? TimeSpan.FromDays(7)), key ?? _signer);

    private async Task<IHost> StartAsync(Action<PinBundleOptions>? bundles = null, bool startHostedServices = false, TimeProvider? time = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddFakeLogging();
        builder.Logging.AddFilter("Pinset", LogLevel.Information); // not the Warning of a sample's appsettings.json in the output folder
        builder.Logging.AddFilter("Polly", LogLevel.Information); // and what an app sees of the others at the default level
        builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Information);
        builder.Services.AddSingleton(time ?? _time);
        builder.Services.AddCertificatePinning(options =>
        {
            options.Configuration = Embedded;
            options.CustomTrustRoots = _pki.TrustBoth();
            options.Bundles.Url = _bundles.Url;
            options.Bundles.TrustedKeys.Add(_signer.ExportSubjectPublicKeyInfoPem());
            options.Bundles.StateDirectory = _state.Path;
            options.Bundles.CustomTrustRoots = [_pki.Root.Certificate];
            options.Bundles.MaxRetryAttempts = 0; // one test below retries, on the fake clock
            bundles?.Invoke(options.Bundles);
        });
        builder.Services.AddHealthChecks().AddCertificatePinning();
        var host = builder.Build();
        if (startHostedServices)
        {
            await host.StartAsync();
        }
        else
        {
            _ = host.Services.GetRequiredService<CertificatePinning>();
        }

        return host;
    }

    private static MetricCollector<T> Gauge<T>(IHost host, string instrument)
        where T : struct =>
        new(host.Services.GetRequiredService<IMeterFactory>(), PinningMetricNames.Meter, instrument);

    private static MetricCollector<long> Refreshes(IHost host) =>
        new(host.Services.GetRequiredService<IMeterFactory>(), PinningMetricNames.Meter, PinningMetricNames.BundleRefreshes);

    private static CertificatePinning Pinning(IHost host) => host.Services.GetRequiredService<CertificatePinning>();

    /// <summary>A request through a fresh pinned handler: true when the genuine exchange was reached.</summary>
    private async Task<bool> ReachesExchangeAsync(IHost host)
    {
        using var http = new HttpClient(Loopback.Route(Pinning(host).CreateHttpHandler(), _exchange.Port));
        try
        {
            await http.GetStringAsync(_exchange.Url(host: TestPki.DefaultHost));
            return true;
        }
        catch (HttpRequestException ex) when (ex.InnerException is PinValidationException)
        {
            return false;
        }
    }

    [Fact]
    public async Task NewerBundle_AppliedWithoutARestart()
    {
        using var host = await StartAsync();
        Assert.False(await ReachesExchangeAsync(host));

        _bundles.Body = Bundle(1);
        var result = await Pinning(host).RefreshBundleAsync();
        Assert.Equal(PinBundleRefreshOutcome.Applied, result.Outcome);
        Assert.Equal(1, result.Version);
        Assert.True(await ReachesExchangeAsync(host));
        Assert.Contains(host.Services.GetFakeLogCollector().GetSnapshot(), r => r.Id.Id == 11 && r.Message.Contains("version 1", StringComparison.Ordinal));
        OwnClientLogs.AssertOnlyPinsetSpeaks(host.Services);
    }

    public static TheoryData<string> Forgeries => [.. BundleForger.Kinds.Append("unknown-kid").Append("issued-in-the-future").Append("expired")];

    [Theory]
    [MemberData(nameof(Forgeries))]
    public async Task HostileBundle_RefusedLoggedAndNothingChanges(string forgery)
    {
        using var host = await StartAsync();
        using var refreshes = Refreshes(host);
        _bundles.Body = Bundle(1);
        Assert.Equal(PinBundleRefreshOutcome.Applied, (await Pinning(host).RefreshBundleAsync()).Outcome);

        var next = Bundle(2, Pins(Unrelated, TestPki.BackupPin));
        _bundles.Body = forgery switch
        {
            "unknown-kid" => Bundle(2, Pins(Unrelated, TestPki.BackupPin), key: _nextSigner),
            "issued-in-the-future" => PinBundle.Sign(Pins(Unrelated, TestPki.BackupPin), 2, _time.GetUtcNow().AddHours(1), _time.GetUtcNow().AddDays(1), _signer),
            "expired" => PinBundle.Sign(Pins(Unrelated, TestPki.BackupPin), 2, _time.GetUtcNow().AddDays(-2), _time.GetUtcNow().AddDays(-1), _signer),
            _ => new BundleForger(_signer, _nextSigner).Forge(forgery, next),
        };
        var result = await Pinning(host).RefreshBundleAsync();
        Assert.Equal(PinBundleRefreshOutcome.Refused, result.Outcome);
        Assert.NotNull(result.Refusal);
        Assert.Equal(1, result.Version);
        Assert.True(await ReachesExchangeAsync(host));
        var refused = Assert.Single(host.Services.GetFakeLogCollector().GetSnapshot(), r => r.Id.Id == 12);
        Assert.Contains(result.Refusal.ToString()!, refused.Message, StringComparison.Ordinal);
        Assert.Equal(HealthStatus.Degraded, (await HealthAsync(host)).Status);
        Assert.Equal(
            [("Applied", null), ("Refused", result.Refusal.ToString())],
            refreshes.GetMeasurementSnapshot().Select(m => ((string)m.Tags[PinningMetricNames.BundleOutcomeTag]!, m.Tags.GetValueOrDefault(PinningMetricNames.BundleRefusalTag) as string)));
    }

    [Fact]
    public async Task OversizedBody_RefusedUnread()
    {
        using var host = await StartAsync();
        _bundles.Body = Bundle(1) + new string(' ', PinBundle.MaxLength);
        var result = await Pinning(host).RefreshBundleAsync();
        Assert.Equal(PinBundleRefusal.TooLarge, result.Refusal);

        _bundles.Chunked = true;
        Assert.Equal(PinBundleRefusal.TooLarge, (await Pinning(host).RefreshBundleAsync()).Refusal);
    }

    [Fact]
    public async Task SlowServer_TimesOutAndNothingChanges()
    {
        using var host = await StartAsync(b => b.RequestTimeout = TimeSpan.FromSeconds(10));
        _bundles.Body = Bundle(1);
        _bundles.Hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var refresh = Pinning(host).RefreshBundleAsync();
        await _bundles.Arrived.Task;
        _time.Advance(TimeSpan.FromSeconds(11));
        var result = await refresh;
        _bundles.Hold.TrySetResult();
        Assert.Equal(PinBundleRefreshOutcome.Failed, result.Outcome);
        Assert.Null(result.Version);
        Assert.False(await ReachesExchangeAsync(host));
        Assert.Contains(host.Services.GetFakeLogCollector().GetSnapshot(), r => r.Id.Id == 14);
    }

    [Fact]
    public async Task SlowDrip_CutOffAtTheRequestTimeout_AndTheNextRefreshWorks()
    {
        using var host = await StartAsync(b => b.RequestTimeout = TimeSpan.FromSeconds(10));
        _bundles.Body = Bundle(1);
        _bundles.Drip = true;
        _bundles.Hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var refresh = Pinning(host).RefreshBundleAsync();
        await _bundles.Dripped.Task;
        _time.Advance(TimeSpan.FromSeconds(11));
        var result = await refresh;
        _bundles.Hold.TrySetResult();
        Assert.Equal(PinBundleRefreshOutcome.Failed, result.Outcome);
        Assert.Contains("took longer than Bundles.RequestTimeout (00:00:10)", result.Message, StringComparison.Ordinal);

        _bundles.Drip = false;
        _bundles.Hold = null;
        Assert.Equal(PinBundleRefreshOutcome.Applied, (await Pinning(host).RefreshBundleAsync()).Outcome);
    }

    [Fact]
    public async Task NotModifiedToAnUnconditionalRequest_AFailedFetch()
    {
        using var host = await StartAsync();
        _bundles.NotModifiedToAll = true;
        var result = await Pinning(host).RefreshBundleAsync();
        Assert.Equal(PinBundleRefreshOutcome.Failed, result.Outcome);
        Assert.Contains("answered 304 Not Modified to a request that was not conditional", result.Message, StringComparison.Ordinal);
        Assert.Equal(HealthStatus.Degraded, (await HealthAsync(host)).Status);
    }

    [Fact]
    public async Task SharedStateDirectory_AnInstanceBehindCannotLowerTheVersion_AndTakesUpTheNewer()
    {
        using var ahead = await StartAsync();
        using var behind = await StartAsync();
        _bundles.Body = Bundle(5);
        Assert.Equal(PinBundleRefreshOutcome.Applied, (await Pinning(ahead).RefreshBundleAsync()).Outcome);

        _bundles.Body = Bundle(4, Pins(Unrelated, TestPki.BackupPin));
        var result = await Pinning(behind).RefreshBundleAsync();
        Assert.Equal(PinBundleRefusal.Rollback, result.Refusal);
        Assert.Equal(5, result.Version);
        Assert.True(await ReachesExchangeAsync(behind));

        using var restarted = await StartAsync();
        Assert.Equal(5, restarted.Services.GetRequiredService<PinningPolicyMonitor>().Bundles.Current?.Version);
        Assert.Equal(PinBundleRefusal.Rollback, (await Pinning(restarted).RefreshBundleAsync()).Refusal);
    }

    [Fact]
    public async Task RedirectToPlainHttp_NotFollowed()
    {
        using var host = await StartAsync();
        _bundles.RedirectTo = $"http://localhost:{_bundles.Port}/pins.jws";
        var result = await Pinning(host).RefreshBundleAsync();
        Assert.Equal(PinBundleRefreshOutcome.Failed, result.Outcome);
        Assert.Contains("a redirect that was not followed", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RollbackAndConflictingVersion_RefusedAcrossARestart()
    {
        using (var first = await StartAsync())
        {
            _bundles.Body = Bundle(5);
            Assert.Equal(PinBundleRefreshOutcome.Applied, (await Pinning(first).RefreshBundleAsync()).Outcome);
        }

        using var restarted = await StartAsync();
        Assert.True(await ReachesExchangeAsync(restarted)); // version 5, from the state file, before any fetch

        _bundles.Body = Bundle(4, Pins(Unrelated, TestPki.BackupPin));
        Assert.Equal(PinBundleRefusal.Rollback, (await Pinning(restarted).RefreshBundleAsync()).Refusal);
        _bundles.Body = Bundle(5, Pins(Unrelated, TestPki.BackupPin));
        Assert.Equal(PinBundleRefusal.ConflictingVersion, (await Pinning(restarted).RefreshBundleAsync()).Refusal);
        Assert.True(await ReachesExchangeAsync(restarted));

        _bundles.Body = Bundle(6, Pins(Unrelated, TestPki.BackupPin));
        Assert.Equal(PinBundleRefreshOutcome.Applied, (await Pinning(restarted).RefreshBundleAsync()).Outcome);
        Assert.False(await ReachesExchangeAsync(restarted));
    }

    [Fact]
    public async Task LastGoodBundle_AppliedAtStartOffline()
    {
        using (var first = await StartAsync())
        {
            _bundles.Body = Bundle(3);
            Assert.Equal(PinBundleRefreshOutcome.Applied, (await Pinning(first).RefreshBundleAsync()).Outcome);
        }

        await _bundles.DisposeAsync(); // the bundle server is gone: the next start is offline
        using var offline = await StartAsync();
        Assert.True(await ReachesExchangeAsync(offline));
        var result = await Pinning(offline).RefreshBundleAsync();
        Assert.Equal(PinBundleRefreshOutcome.Failed, result.Outcome);
        Assert.Equal(3, result.Version);
        Assert.True(await ReachesExchangeAsync(offline));
        _bundles = await BundleServer.StartAsync(_pki);
    }

    /// <summary>
    /// Version 1 was accepted by a clock two hours ahead of this one (the app's clock is behind after a snapshot restore,
    /// or a spoofed NTP answer): at the next start the remembered bundle is issued in the future, so it does not verify.
    /// </summary>
    private async Task RememberVersion1IssuedInTheFutureAsync()
    {
        var ahead = new FakeTimeProvider(_time.GetUtcNow() + TimeSpan.FromHours(2));
        _bundles.Body = PinBundle.Sign(Pins(_pki.Intermediate.Pin, TestPki.BackupPin), 1, ahead.GetUtcNow(), ahead.GetUtcNow() + TimeSpan.FromDays(7), _signer);
        using var first = await StartAsync(time: ahead);
        Assert.Equal(PinBundleRefreshOutcome.Applied, (await Pinning(first).RefreshBundleAsync()).Outcome);
    }

    [Fact]
    public async Task RememberedBundleNotYetValidAtStart_FallbackSaysSo_ThenTheSameBundleAppliesOnRefreshOnceTheClockIsRight()
    {
        await RememberVersion1IssuedInTheFutureAsync();
        using var host = await StartAsync();
        Assert.False(await ReachesExchangeAsync(host)); // the fallback is in force, which is right while the clock is behind
        var health = await HealthAsync(host);
        Assert.Equal(HealthStatus.Degraded, health.Status);
        Assert.Contains("The remembered pin bundle (version 1) did not verify (NotYetValid)", health.Entries["pinset"].Description, StringComparison.Ordinal);
        Assert.Contains("The configuration's policy is in force until it does or a newer bundle arrives", health.Entries["pinset"].Description, StringComparison.Ordinal);

        var early = await Pinning(host).RefreshBundleAsync();
        Assert.Equal(PinBundleRefusal.NotYetValid, early.Refusal);
        Assert.False(await ReachesExchangeAsync(host));

        _time.Advance(TimeSpan.FromHours(2));
        var result = await Pinning(host).RefreshBundleAsync();
        Assert.Equal(1, result.Version);
        Assert.True(await ReachesExchangeAsync(host));
        Assert.Equal(HealthStatus.Healthy, (await HealthAsync(host)).Status);
    }

    [Fact]
    public async Task RememberedBundleNotYetValidAtStart_AppliesWhenTheClockReachesIt_WithoutARefresh()
    {
        await RememberVersion1IssuedInTheFutureAsync();
        using var host = await StartAsync();
        Assert.False(await ReachesExchangeAsync(host));

        _time.Advance(TimeSpan.FromHours(2) - PinBundle.DefaultClockSkew);
        Assert.True(await ReachesExchangeAsync(host));
        Assert.Equal(1, host.Services.GetRequiredService<PinningPolicyMonitor>().Bundles.Current?.Version);
        Assert.Equal(HealthStatus.Healthy, (await HealthAsync(host)).Status);
        Assert.Contains(host.Services.GetFakeLogCollector().GetSnapshot(), r => r.Id.Id == 11 && r.Message.Contains("version 1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SharedStateDirectory_ANewerBundleNotYetValidHere_SaidByHealth_AndAppliedWhenFetchedOnceTheClockIsRight()
    {
        using var behind = await StartAsync();
        var version1 = Bundle(1);
        _bundles.Body = version1;
        Assert.Equal(PinBundleRefreshOutcome.Applied, (await Pinning(behind).RefreshBundleAsync()).Outcome);

        // Another instance on the same state directory, whose clock is two hours ahead, accepts version 2.
        var ahead = new FakeTimeProvider(_time.GetUtcNow() + TimeSpan.FromHours(2));
        var version2 = PinBundle.Sign(Pins(Unrelated, TestPki.BackupPin), 2, ahead.GetUtcNow(), ahead.GetUtcNow() + TimeSpan.FromDays(7), _signer);
        using (var other = await StartAsync(time: ahead))
        {
            _bundles.Body = version2;
            Assert.Equal(PinBundleRefreshOutcome.Applied, (await Pinning(other).RefreshBundleAsync()).Outcome);
        }

        _bundles.Body = version1;
        Assert.Equal(PinBundleRefusal.Rollback, (await Pinning(behind).RefreshBundleAsync()).Refusal);
        Assert.True(await ReachesExchangeAsync(behind)); // version 2 does not verify here yet: version 1 stays
        var health = await HealthAsync(behind);
        Assert.Equal(HealthStatus.Degraded, health.Status);
        Assert.Contains("The remembered pin bundle (version 2) did not verify (NotYetValid)", health.Entries["pinset"].Description, StringComparison.Ordinal);
        Assert.Contains("Version 1 stays in force", health.Entries["pinset"].Description, StringComparison.Ordinal);

        _time.Advance(TimeSpan.FromHours(2));
        _bundles.Body = version2;
        Assert.Equal(2, (await Pinning(behind).RefreshBundleAsync()).Version);
        Assert.False(await ReachesExchangeAsync(behind));
    }

    [Fact]
    public async Task InterruptedStateWrite_LeavesTheOldStateAndNoRollback()
    {
        using (var first = await StartAsync())
        {
            _bundles.Body = Bundle(5);
            Assert.Equal(PinBundleRefreshOutcome.Applied, (await Pinning(first).RefreshBundleAsync()).Outcome);
        }

        // What a crash in the middle of recording version 7 leaves: its temporary file, half written.
        File.WriteAllText(Path.Combine(_state.Path, "pinset-bundle-state.json.4f1c.partial"), "{\"highestVersion\":7,\"contentHa");
        using var restarted = await StartAsync();
        Assert.Empty(Directory.GetFiles(_state.Path, "*.partial"));
        Assert.True(await ReachesExchangeAsync(restarted));
        _bundles.Body = Bundle(4, Pins(Unrelated, TestPki.BackupPin));
        Assert.Equal(PinBundleRefusal.Rollback, (await Pinning(restarted).RefreshBundleAsync()).Refusal);
    }

    [Fact]
    public async Task StateThatCannotBeWritten_BundleNotApplied()
    {
        // The state file's path is taken by a directory: the new version cannot be remembered, so it is not applied.
        Directory.CreateDirectory(Path.Combine(_state.Path, "pinset-bundle-state.json"));
        using var host = await StartAsync();
        _bundles.Body = Bundle(1);
        var result = await Pinning(host).RefreshBundleAsync();
        Assert.Equal(PinBundleRefreshOutcome.Failed, result.Outcome);
        Assert.Contains("is not applied", result.Message, StringComparison.Ordinal);
        Assert.False(await ReachesExchangeAsync(host));
    }

    [Fact]
    public async Task CorruptStateFile_StopsTheStartUp()
    {
        File.WriteAllText(Path.Combine(_state.Path, "pinset-bundle-state.json"), "{ not a state");
        var error = await Assert.ThrowsAnyAsync<Exception>(async () => { using var host = await StartAsync(); });
        Assert.Contains("cannot be read", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("Pinset will not start without it", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(PinBundleExpiry.FallBackToConfiguration)]
    [InlineData(PinBundleExpiry.FailClosed)]
    public async Task ExpiredBundle_FallsBackOrFailsClosed_Visibly(PinBundleExpiry onExpiry)
    {
        using var host = await StartAsync(b => b.OnExpiry = onExpiry);
        using var expired = Gauge<int>(host, PinningMetricNames.BundleExpired);
        using var version = Gauge<long>(host, PinningMetricNames.BundleVersion);
        _bundles.Body = Bundle(1, Pins(_pki.Intermediate.Pin, TestPki.BackupPin), validFor: TimeSpan.FromHours(1));
        Assert.Equal(PinBundleRefreshOutcome.Applied, (await Pinning(host).RefreshBundleAsync()).Outcome);
        Assert.True(await ReachesExchangeAsync(host));

        expired.RecordObservableInstruments();
        version.RecordObservableInstruments();
        Assert.Equal((0, 1L), (expired.LastMeasurement!.Value, version.LastMeasurement!.Value));

        _time.Advance(TimeSpan.FromHours(2));
        Assert.False(await ReachesExchangeAsync(host));
        expired.RecordObservableInstruments();
        version.RecordObservableInstruments();
        Assert.Equal((1, 1L), (expired.LastMeasurement!.Value, version.LastMeasurement!.Value));
        Assert.Single(host.Services.GetFakeLogCollector().GetSnapshot(), r => r.Id.Id == 13);
        var health = await HealthAsync(host);
        Assert.Equal(onExpiry == PinBundleExpiry.FailClosed ? HealthStatus.Unhealthy : HealthStatus.Degraded, health.Status);
        Assert.Contains("expired", health.Entries["pinset"].Description, StringComparison.Ordinal);
        var policy = Pinning(host).Pinner.Policy;
        Assert.Equal(onExpiry == PinBundleExpiry.FailClosed, policy.Refusal is not null);
    }

    [Fact]
    public async Task SigningKeyRotation_BothKeysTrusted_BothBundlesApply()
    {
        using var host = await StartAsync(b => b.TrustedKeys.Add(_nextSigner.ExportSubjectPublicKeyInfoPem()));
        _bundles.Body = Bundle(1);
        Assert.Equal(PinBundleRefreshOutcome.Applied, (await Pinning(host).RefreshBundleAsync()).Outcome);
        _bundles.Body = Bundle(2, key: _nextSigner);
        Assert.Equal(PinBundleRefreshOutcome.Applied, (await Pinning(host).RefreshBundleAsync()).Outcome);
    }

    [Fact]
    public async Task ConditionalGet_UnchangedBundleNotDownloadedAgain()
    {
        using var host = await StartAsync();
        _bundles.Body = Bundle(1);
        _bundles.ETag = "\"v1\"";
        Assert.Equal(PinBundleRefreshOutcome.Applied, (await Pinning(host).RefreshBundleAsync()).Outcome);
        Assert.Equal(PinBundleRefreshOutcome.Unchanged, (await Pinning(host).RefreshBundleAsync()).Outcome);
        Assert.Equal(1, _bundles.NotModified);
    }

    [Fact]
    public async Task NewBundle_StopsReuseOfPooledConnectionsWhosePinsItRemoved()
    {
        using var host = await StartAsync();
        _bundles.Body = Bundle(1);
        await Pinning(host).RefreshBundleAsync();
        using var http = new HttpClient(Loopback.Route(Pinning(host).CreateHttpHandler(), _exchange.Port));
        await http.GetStringAsync(_exchange.Url(host: TestPki.DefaultHost));

        _bundles.Body = Bundle(2, Pins(Unrelated, TestPki.BackupPin));
        Assert.Equal(PinBundleRefreshOutcome.Applied, (await Pinning(host).RefreshBundleAsync()).Outcome);
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => http.GetStringAsync(_exchange.Url(host: TestPki.DefaultHost)));
        Assert.Contains("PinValidationException", refused.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BackgroundRefresh_AtStartThenEveryInterval()
    {
        _bundles.Body = Bundle(1);
        using var host = await StartAsync(b => b.RefreshInterval = TimeSpan.FromMinutes(10));
        using var waits = new SemaphoreSlim(0);
        host.Services.GetRequiredService<PinBundleRefresher>().Waiting += () => waits.Release();
        await host.StartAsync();
        await waits.WaitAsync();
        Assert.Equal(1, _bundles.Requests);
        Assert.Equal(1, host.Services.GetRequiredService<PinningPolicyMonitor>().Bundles.Current?.Version);

        _bundles.Body = Bundle(2);
        _time.Advance(TimeSpan.FromMinutes(8)); // below the jitter's lower bound (9 minutes): not yet
        Assert.Equal(1, _bundles.Requests);
        _time.Advance(TimeSpan.FromMinutes(3));
        await waits.WaitAsync();
        Assert.Equal(2, _bundles.Requests);
        Assert.Equal(2, host.Services.GetRequiredService<PinningPolicyMonitor>().Bundles.Current?.Version);
        await host.StopAsync();
    }

    [Theory]
    [InlineData("http", "expected an https:// URL")]
    [InlineData("no-state", "Bundles.StateDirectory is not set")]
    [InlineData("no-keys", "Bundles.TrustedKeys is empty")]
    [InlineData("bad-key", "is not an ECDSA P-256 public key")]
    [InlineData("private-key", "holds a private key ('-----BEGIN PRIVATE KEY-----')")]
    [InlineData("skew", "Bundles.ClockSkew is '1.00:00:00'; expected zero to 1 hour")]
    public async Task BadBundleSettings_StopTheStartUp(string problem, string said)
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            using var host = await StartAsync(b =>
            {
                switch (problem)
                {
                    case "http": b.Url = new Uri($"http://localhost:{_bundles.Port}/pins.jws"); break;
                    case "no-state": b.StateDirectory = null; break;
                    case "no-keys": b.TrustedKeys.Clear(); break;
                    case "private-key": b.TrustedKeys.Add(_signer.ExportPkcs8PrivateKeyPem()); break;
                    case "skew": b.ClockSkew = TimeSpan.FromDays(1); break;
                    default: b.TrustedKeys.Add("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"); break;
                }
            });
        });
        Assert.Contains(said, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task FetchClient_NotPinnedByConfigureHttpClientDefaults()
    {
        // Pinning every client would pin the bundle fetch too, and stale pins could then block the bundle that fixes them.
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSingleton<TimeProvider>(_time);
        builder.Services.ConfigureHttpClientDefaults(b => b.UseCertificatePinning());
        builder.Services.AddCertificatePinning(options =>
        {
            options.Configuration = Embedded with { RequirePinnedHosts = true };
            options.CustomTrustRoots = _pki.TrustBoth();
            options.Bundles.Url = _bundles.Url;
            options.Bundles.TrustedKeys.Add(_signer.ExportSubjectPublicKeyInfoPem());
            options.Bundles.StateDirectory = _state.Path;
            options.Bundles.CustomTrustRoots = [_pki.Root.Certificate];
        });
        using var host = builder.Build();
        _bundles.Body = Bundle(1);
        Assert.Equal(PinBundleRefreshOutcome.Applied, (await Pinning(host).RefreshBundleAsync()).Outcome);
    }

    [Fact]
    public async Task Fetch_TrustsTheAppsCustomRoots_WhenTheBundlesGiveNoneOfTheirOwn()
    {
        // The app trusts its private CA (PinningOptions.CustomTrustRoots), which issued the bundle server's certificate.
        using var host = await StartAsync(b => b.CustomTrustRoots = null);
        _bundles.Body = Bundle(1);
        var result = await Pinning(host).RefreshBundleAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(result.Outcome == PinBundleRefreshOutcome.Applied, result.Message);
        Assert.True(await ReachesExchangeAsync(host));
    }

    [Fact]
    public async Task Fetch_ServerCertificateNotTrusted_FailsAtOnce_LoggedByPinsetNamingTheSettingToChange()
    {
        // Bundles.CustomTrustRoots, when given, is what the fetch trusts: here a root that did not issue the server's certificate.
        using var host = await StartAsync(
            b =>
            {
                b.CustomTrustRoots = [_pki.InterceptorRoot.Certificate];
                b.MaxRetryAttempts = 2; // a certificate that is not trusted is no transient failure: it is not retried
            },
            time: TimeProvider.System); // were it retried, the backoff would take its real 1 and 2 seconds
        _bundles.Body = Bundle(1);
        var result = await Pinning(host).RefreshBundleAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(PinBundleRefreshOutcome.Failed, result.Outcome);
        Assert.Equal(0, _bundles.Requests); // the server saw no request: the handshake failed
        Assert.Equal(1, _bundles.Connections); // one attempt, not retried
        var logged = Assert.Single(host.Services.GetFakeLogCollector().GetSnapshot(), r => r.Category == "Pinset" && r.Id.Id == 14);
        Assert.Contains("The bundle server's certificate was refused by the bundle fetch, which trusts the roots of Bundles.CustomTrustRoots", logged.Message, StringComparison.Ordinal);
        Assert.Contains("add the root that issued its certificate to Bundles.CustomTrustRoots", logged.Message, StringComparison.Ordinal);
        Assert.Contains(result.Message, logged.Message, StringComparison.Ordinal);
        OwnClientLogs.AssertOnlyPinsetSpeaks(host.Services);
    }

    [Theory]
    [InlineData(true, "which trusts the app's roots, PinningOptions.CustomTrustRoots (Bundles.CustomTrustRoots is not set)")]
    [InlineData(false, "which trusts the system's roots (neither Bundles.CustomTrustRoots nor PinningOptions.CustomTrustRoots is set)")]
    public async Task Fetch_ServerNotTrustedByTheAppsRootsOrTheSystems_TheRefusalSaysWhichSettingTheFetchFollowed(bool appRoots, string said)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddFakeLogging();
        builder.Services.AddSingleton<TimeProvider>(_time);
        builder.Services.AddCertificatePinning(options =>
        {
            options.Configuration = Embedded;
            options.CustomTrustRoots = appRoots ? [_pki.InterceptorRoot.Certificate] : null;
            options.Bundles.Url = _bundles.Url;
            options.Bundles.TrustedKeys.Add(_signer.ExportSubjectPublicKeyInfoPem());
            options.Bundles.StateDirectory = _state.Path;
            options.Bundles.MaxRetryAttempts = 0;
        });
        using var host = builder.Build();
        _bundles.Body = Bundle(1);
        var result = await Pinning(host).RefreshBundleAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(PinBundleRefreshOutcome.Failed, result.Outcome);
        var logged = Assert.Single(host.Services.GetFakeLogCollector().GetSnapshot(), r => r.Category == "Pinset" && r.Id.Id == 14);
        Assert.Contains(said, logged.Message, StringComparison.Ordinal);
        Assert.Contains("add the root that issued its certificate to Bundles.CustomTrustRoots", logged.Message, StringComparison.Ordinal);
    }

    private static Task<HealthReport> HealthAsync(IHost host) => host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

    /// <summary>Serves the bundle over real HTTPS, with the answers a bundle server (or an attacker) may give.</summary>
    private sealed class BundleServer : IAsyncDisposable
    {
        private LoopbackHttpsServer _server = null!;
        private int _requests;
        private int _notModified;
        private readonly List<(int Count, TaskCompletionSource Reached)> _waiting = [];

        public string Body { get; set; } = string.Empty;

        public string? ETag { get; set; }

        public bool Chunked { get; set; }

        public string? RedirectTo { get; set; }

        public TaskCompletionSource? Hold { get; set; }

        /// <summary>With <see cref="Hold"/>: the headers and the first bytes of the body are sent before the hold.</summary>
        public bool Drip { get; set; }

        public TaskCompletionSource Dripped { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Answers 304 Not Modified to every request, conditional or not.</summary>
        public bool NotModifiedToAll { get; set; }

        public TaskCompletionSource Arrived { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Requests => Volatile.Read(ref _requests);

        public int NotModified => Volatile.Read(ref _notModified);

        public int Port => _server.Port;

        /// <summary>TLS connections the server accepted: one per attempt, even when the client then refuses its certificate.</summary>
        public int Connections => _server.Connections;

        public Uri Url => new($"https://localhost:{_server.Port}/pins.jws");

        public static async Task<BundleServer> StartAsync(TestPki pki)
        {
            var server = new BundleServer();
            server._server = await LoopbackHttpsServer.StartAsync(pki.Leaf, pki.GenuineChain(), new LoopbackHttpsServerOptions
            {
                MapEndpoints = endpoints => endpoints.MapGet("/pins.jws", server.AnswerAsync),
            });
            return server;
        }

        public Task WaitForRequestsAsync(int count)
        {
            lock (_waiting)
            {
                if (Requests >= count)
                {
                    return Task.CompletedTask;
                }

                var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiting.Add((count, reached));
                return reached.Task;
            }
        }

        public ValueTask DisposeAsync() => _server.DisposeAsync();

        private async Task AnswerAsync(HttpContext context)
        {
            int count = Interlocked.Increment(ref _requests);
            lock (_waiting)
            {
                foreach (var waiter in _waiting.Where(w => w.Count <= count).ToList())
                {
                    waiter.Reached.TrySetResult();
                    _waiting.Remove(waiter);
                }
            }

            Arrived.TrySetResult();
            if (NotModifiedToAll)
            {
                context.Response.StatusCode = StatusCodes.Status304NotModified;
                return;
            }

            if (Hold is { } dripHold && Drip)
            {
                context.Response.ContentType = "application/jose";
                context.Response.ContentLength = System.Text.Encoding.UTF8.GetByteCount(Body);
                await context.Response.WriteAsync(Body[..10], context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
                Dripped.TrySetResult();
                await dripHold.Task.WaitAsync(context.RequestAborted);
                await context.Response.WriteAsync(Body[10..], context.RequestAborted);
                return;
            }

            if (Hold is { } hold)
            {
                await hold.Task.WaitAsync(context.RequestAborted);
            }

            if (RedirectTo is not null)
            {
                context.Response.Redirect(RedirectTo);
                return;
            }

            if (ETag is not null)
            {
                if (context.Request.Headers.IfNoneMatch == ETag)
                {
                    Interlocked.Increment(ref _notModified);
                    context.Response.StatusCode = StatusCodes.Status304NotModified;
                    return;
                }

                context.Response.Headers.ETag = ETag;
            }

            context.Response.ContentType = "application/jose";
            if (!Chunked)
            {
                context.Response.ContentLength = System.Text.Encoding.UTF8.GetByteCount(Body);
            }

            await context.Response.WriteAsync(Body, context.RequestAborted);
        }
    }
}
