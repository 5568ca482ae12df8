using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Pinset.Extensions.Tests;

/// <summary>
/// The one report sender (the app's reporter and <c>pinset check --report</c>): its Microsoft.Extensions.Http.Resilience
/// pipeline against a real loopback collector, on a fake clock taken from the container. Nothing here sleeps: the clock
/// is advanced once the sender waits on it.
/// </summary>
public sealed class PinViolationReportSenderTests
{
    private const string Body = """{"hostname":"api.exchange.test"}""";

    private readonly WatchedTimeProvider _time = new();

    private static readonly PinningReportOptions Options = new()
    {
        RequestTimeout = TimeSpan.FromSeconds(5),
        TotalTimeout = TimeSpan.FromSeconds(60),
        MaxAttempts = 3,
        RetryDelay = TimeSpan.FromSeconds(2),
        BreakAfterFailures = 5,
        BreakDuration = TimeSpan.FromSeconds(30),
    };

    private ServiceProvider Services(PinningReportOptions? options = null)
    {
        var services = new ServiceCollection().AddSingleton<TimeProvider>(_time);
        PinViolationReportSender.Register(services, _ => options ?? Options);
        return services.BuildServiceProvider();
    }

    /// <summary>A retry's backoff: a timer that is neither timeout.</summary>
    private static bool IsBackoff(TimeSpan due) => due != Options.RequestTimeout && due != Options.TotalTimeout && due > TimeSpan.Zero;

    [Fact]
    public async Task SendAsync_ServerErrorThenSuccess_RetriedAfterBackoffOnTheContainersClock()
    {
        await using var endpoint = await ReportEndpoint.StartAsync(ReportEndpointBehaviour.Fail);
        await using var services = Services();
        var sending = services.GetRequiredService<PinViolationReportSender>().SendAsync(endpoint.Url, Body, CancellationToken.None);

        var first = await _time.WaitForTimerAsync(IsBackoff);
        Assert.Single(endpoint.Reports);
        Assert.False(sending.IsCompleted);
        endpoint.Behaviour = ReportEndpointBehaviour.Accept;
        _time.Advance(first - TimeSpan.FromMilliseconds(1));
        Assert.Single(endpoint.Reports);
        Assert.False(sending.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));

        var outcome = await sending.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(outcome.Delivered, outcome.Problem);
        Assert.Equal(2, outcome.Attempts);
        Assert.Equal(["answered 500 Internal Server Error"], outcome.FailedAttempts);
        Assert.Equal(2, endpoint.Reports.Count);
        Assert.All(endpoint.Reports, r => Assert.Equal(Body, r.Body));
    }

    [Fact]
    public async Task SendAsync_EveryAttemptFails_BacksOffExponentiallyWithJitterThenGivesUp()
    {
        // Polly's exponential backoff with jitter: the delays are random around RetryDelay, 2 x RetryDelay...
        await using var endpoint = await ReportEndpoint.StartAsync(ReportEndpointBehaviour.Fail);
        await using var services = Services();
        var sending = services.GetRequiredService<PinViolationReportSender>().SendAsync(endpoint.Url, Body, CancellationToken.None);
        var delays = new List<TimeSpan>();
        for (int retry = 1; retry < Options.MaxAttempts; retry++)
        {
            delays.Add(await _time.WaitForTimerAsync(IsBackoff, retry));
            Assert.Equal(retry, endpoint.Reports.Count);
            _time.Advance(delays[^1]);
        }

        var outcome = await sending.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(outcome.Delivered);
        Assert.Equal(3, endpoint.Reports.Count);
        Assert.Equal(Enumerable.Repeat("answered 500 Internal Server Error", 3), outcome.FailedAttempts);
        Assert.Equal("answered 500 Internal Server Error", outcome.Problem);
        // Polly's jitter: the first two delays add up to between 0.69 and 1.42 times 2 x RetryDelay, so more than RetryDelay.
        Assert.InRange(delays[0] + delays[1], Options.RetryDelay, 3 * Options.RetryDelay);
    }

    [Fact]
    public async Task SendAsync_BadRequest_NotRetried()
    {
        await using var endpoint = await ReportEndpoint.StartAsync(ReportEndpointBehaviour.Reject);
        await using var services = Services();
        var outcome = await services.GetRequiredService<PinViolationReportSender>().SendAsync(endpoint.Url, Body, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(outcome.Delivered);
        Assert.Equal("answered 400 Bad Request", outcome.Problem);
        Assert.Single(endpoint.Reports);
        Assert.DoesNotContain(_time.Started, IsBackoff);
    }

    [Fact]
    public async Task SendAsync_SlowAttempt_TimedOutAndRetried()
    {
        await using var endpoint = await ReportEndpoint.StartAsync(ReportEndpointBehaviour.Hang);
        await using var services = Services();
        var sending = services.GetRequiredService<PinViolationReportSender>().SendAsync(endpoint.Url, Body, CancellationToken.None);
        await endpoint.WaitForReportsAsync(1);
        endpoint.Behaviour = ReportEndpointBehaviour.Accept;
        _time.Advance(Options.RequestTimeout - TimeSpan.FromMilliseconds(1));
        Assert.DoesNotContain(_time.Started, IsBackoff);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        _time.Advance(await _time.WaitForTimerAsync(IsBackoff));

        var outcome = await sending.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(outcome.Delivered, outcome.Problem);
        Assert.Equal(["no answer within 5 seconds"], outcome.FailedAttempts);
        Assert.Equal(2, endpoint.Reports.Count);
    }

    [Fact]
    public async Task SendAsync_TotalTimeout_BoundsEveryAttemptAndDelay()
    {
        await using var endpoint = await ReportEndpoint.StartAsync(ReportEndpointBehaviour.Hang);
        await using var services = Services(new PinningReportOptions { RequestTimeout = TimeSpan.FromSeconds(5), TotalTimeout = TimeSpan.FromSeconds(8), RetryDelay = TimeSpan.FromSeconds(1), MaxAttempts = 3 });
        var sending = services.GetRequiredService<PinViolationReportSender>().SendAsync(endpoint.Url, Body, CancellationToken.None);
        await endpoint.WaitForReportsAsync(1);
        _time.Advance(TimeSpan.FromSeconds(5));
        var backoff = await _time.WaitForTimerAsync(d => d != TimeSpan.FromSeconds(5) && d != TimeSpan.FromSeconds(8));
        if (backoff < TimeSpan.FromSeconds(3))
        {
            // The second attempt starts, and hangs too, until the whole delivery's 8 seconds are up.
            _time.Advance(backoff);
            await endpoint.WaitForReportsAsync(2);
            _time.Advance(TimeSpan.FromSeconds(3) - backoff - TimeSpan.FromMilliseconds(1));
            Assert.False(sending.IsCompleted);
            _time.Advance(TimeSpan.FromMilliseconds(1));
        }
        else
        {
            _time.Advance(TimeSpan.FromSeconds(3));
        }

        var outcome = await sending.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(outcome.Delivered);
        Assert.Equal("not delivered within 8 seconds, every attempt included; the last attempt before that: no answer within 5 seconds", outcome.Problem);
    }

    [Fact]
    public async Task SendAsync_RepeatedFailures_OpenTheCircuitThenOneTrialClosesIt()
    {
        await using var endpoint = await ReportEndpoint.StartAsync(ReportEndpointBehaviour.Fail);
        var options = new PinningReportOptions { MaxAttempts = 1, BreakAfterFailures = 3, BreakDuration = TimeSpan.FromSeconds(30) };
        await using var services = Services(options);
        var sender = services.GetRequiredService<PinViolationReportSender>();
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal("answered 500 Internal Server Error", (await sender.SendAsync(endpoint.Url, Body, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30))).Problem);
        }

        endpoint.Behaviour = ReportEndpointBehaviour.Accept;
        var broken = await sender.SendAsync(endpoint.Url, Body, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(broken.Delivered);
        Assert.Contains("circuit is open", broken.Problem, StringComparison.Ordinal);
        Assert.Equal(3, endpoint.Reports.Count);

        _time.Advance(options.BreakDuration);
        Assert.True((await sender.SendAsync(endpoint.Url, Body, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30))).Delivered);
        Assert.True((await sender.SendAsync(endpoint.Url, Body, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30))).Delivered);
        Assert.Equal(5, endpoint.Reports.Count);
    }

    [Fact]
    public async Task SendAsync_OneDeadEndpoint_OtherEndpointsCircuitStaysClosed()
    {
        await using var dead = await ReportEndpoint.StartAsync(ReportEndpointBehaviour.Fail);
        await using var healthy = await ReportEndpoint.StartAsync();
        await using var services = Services(new PinningReportOptions { MaxAttempts = 1, BreakAfterFailures = 2 });
        var sender = services.GetRequiredService<PinViolationReportSender>();
        for (int i = 0; i < 3; i++)
        {
            Assert.False((await sender.SendAsync(dead.Url, Body, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30))).Delivered);
        }

        Assert.Equal(2, dead.Reports.Count);
        Assert.True((await sender.SendAsync(healthy.Url, Body, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30))).Delivered);
    }

    [Fact]
    public async Task SendAsync_NothingListening_FailedWithTheNetworkError()
    {
        await using var services = Services(new PinningReportOptions { MaxAttempts = 1 });
        var outcome = await services.GetRequiredService<PinViolationReportSender>().SendAsync(new Uri("http://127.0.0.1:1/reports"), Body, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(outcome.Delivered);
        Assert.Contains("127.0.0.1:1", outcome.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_Cancelled_Throws()
    {
        await using var endpoint = await ReportEndpoint.StartAsync(ReportEndpointBehaviour.Hang);
        await using var services = Services();
        using var cancel = new CancellationTokenSource();
        var sending = services.GetRequiredService<PinViolationReportSender>().SendAsync(endpoint.Url, Body, cancel.Token);
        await endpoint.WaitForReportsAsync(1);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sending.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task ReportClient_NotPinnedByConfigureHttpClientDefaults()
    {
        // Every client is pinned, and the policy covers the collector's host, so a pinned client refuses its cleartext
        // URL before a byte is sent. The report client is not pinned: a report must never fail on pinning and be reported.
        await using var endpoint = await ReportEndpoint.StartAsync();
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSingleton<TimeProvider>(_time);
        builder.Services.ConfigureHttpClientDefaults(b => b.UseCertificatePinning());
        builder.Services.AddCertificatePinning(options =>
        {
            options.Configuration = new PinningConfiguration
            {
                RequirePinnedHosts = true,
                Policies = [new HostPolicyConfiguration { Hosts = [endpoint.Url.Host], Pins = [TestPki.BackupPin.ToString(), SpkiPin.FromSubjectPublicKeyInfo("other"u8).ToString()], ReportUris = [endpoint.Url.ToString()] }],
            };
            options.Reporting.MaxAttempts = 1; // a pinned report client would fail at once, not wait for a backoff on the fake clock
        });
        using var host = builder.Build();

        var other = host.Services.GetRequiredService<IHttpClientFactory>().CreateClient("exchange");
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => other.PostAsync(endpoint.Url, new StringContent(Body)));
        Assert.Contains("cleartext", refused.ToString(), StringComparison.Ordinal);
        Assert.Empty(endpoint.Reports);

        var outcome = await host.Services.GetRequiredService<PinViolationReportSender>().SendAsync(endpoint.Url, Body, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(outcome.Delivered, outcome.Problem);
        Assert.Single(endpoint.Reports);
    }
}
