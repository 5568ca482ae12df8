using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;

namespace Pinset.Collector.Tests;

/// <summary>
/// The query strings of the dashboard and the API, bounded: a range cannot reach past the collector's clock or before
/// what it keeps, the chart never has more than 72 buckets however long the range, and a value out of bounds, given
/// twice or not a filter at all is a 400 with a sentence quoting it. Real Kestrel on a fake clock.
/// </summary>
public sealed class DashboardQueryTests : ScratchTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 2, 6, 0, 0, TimeSpan.Zero));

    public static TheoryData<string, string> Refused => new()
    {
        { "/api/hosts/api.exchange.test?to=9999-12-31", "'to' is '9999-12-31', more than a day after the collector's clock ('2026-12-02T06:00:00Z'); reports carry the time they arrived, so give a 'to' no later than '2026-12-03T06:00:00Z'." },
        { "/api/hosts?to=2027-01-01T00:00:00Z", "'to' is '2027-01-01T00:00:00Z', more than a day after the collector's clock ('2026-12-02T06:00:00Z'); reports carry the time they arrived, so give a 'to' no later than '2026-12-03T06:00:00Z'." },
        { "/?to=9999-12-31", "'to' is '9999-12-31', more than a day after the collector's clock ('2026-12-02T06:00:00Z'); reports carry the time they arrived, so give a 'to' no later than '2026-12-03T06:00:00Z'." },
        { "/api/hosts/api.exchange.test?to=0001-01-01", "'to' is '0001-01-01', before the oldest report kept ('2026-09-03T06:00:00Z', as 'Storage:Retention' is 90.00:00:00); give a later 'to'." },
        { "/api/hosts?from=2026-12-01T00:00:00Z&to=2026-12-02T00:00:00Z&to=2026-12-02T01:00:00Z", "'to' is given 2 times; give each filter once." },
        { "/api/hosts?form=2026-12-01T00:00:00Z", "'form' is not a filter of '/api/hosts'; its filters are 'from', 'to' and 'appVersion'." },
        { "/api/hosts?host=api.exchange.test", "'host' is not a filter of '/api/hosts'; its filters are 'from', 'to' and 'appVersion'." },
        { "/api/hosts/api.exchange.test?host=other.exchange.test", "'host' is not a filter of '/api/hosts/{host}'; its filters are 'from', 'to' and 'appVersion'." },
        { "/?page=2", "'page' is not a filter of '/'; its filters are 'host', 'from', 'to' and 'appVersion'." },
        { "/api/hosts?appVersion=" + new string('9', 129), "'appVersion' is 129 characters long ('" + new string('9', 57) + "...'); an app version is at most 128 characters." },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task Query_OutOfBoundsRepeatedOrUnknown_400QuotingItAndTheLimit(string pathAndQuery, string message)
    {
        await using var collector = await CollectorHost.StartAsync(time: _time);

        using var response = await collector.Client.GetAsync(new Uri(pathAndQuery, UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(message + "\n", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Hosts_FromBeforeTheOldestReportKept_StartsThere()
    {
        await using var collector = await CollectorHost.StartAsync(time: _time);

        using var hosts = JsonDocument.Parse(await collector.Client.GetStringAsync("/api/hosts?from=2000-01-01T00:00:00Z"));

        Assert.Equal(new DateTimeOffset(2026, 9, 3, 6, 0, 0, TimeSpan.Zero), hosts.RootElement.GetProperty("from").GetDateTimeOffset());
    }

    [Theory]
    [InlineData("90.00:00:00", "2000-01-01T00:00:00Z")]
    [InlineData("36500.00:00:00", "1930-01-01T00:00:00Z")]
    [InlineData("36500.00:00:00", "2026-03-01T00:00:00Z")]
    public async Task HostDetail_LongRange_AtMost72TimelineBucketsCoveringIt(string retention, string from)
    {
        await using var collector = await CollectorHost.StartAsync(new Dictionary<string, string?> { ["Storage:Retention"] = retention }, _time);
        await collector.PostAcceptedAsync(ReportJson.Intercepted(Pki));

        using var detail = JsonDocument.Parse(await collector.Client.GetStringAsync($"/api/hosts/{Pki.Host}?from={from}&to=2026-12-03T06:00:00Z"));

        var timeline = detail.RootElement.GetProperty("timeline").EnumerateArray().Select(p => p.GetProperty("start").GetDateTimeOffset()).ToList();
        var bucket = TimeSpan.FromMinutes(detail.RootElement.GetProperty("bucketMinutes").GetInt32());
        Assert.InRange(timeline.Count, 2, 72);
        Assert.Equal(0, bucket.Ticks % TimeSpan.TicksPerDay);
        Assert.True(timeline[^1] + bucket > new DateTimeOffset(2026, 12, 3, 6, 0, 0, TimeSpan.Zero), "The last bucket reaches the end of the range.");
        Assert.Equal(1, detail.RootElement.GetProperty("timeline").EnumerateArray().Sum(p => p.GetProperty("total").GetInt64()));
    }

    [Theory]
    [InlineData(60, 1)]
    [InlineData(6 * 60, 15)]
    [InlineData(24 * 60, 60)]
    [InlineData(7 * 24 * 60, 180)]
    [InlineData(30 * 24 * 60, 720)]
    public async Task HostDetail_Range_TheSmallestBucketThatKeepsTheChartWithin72(int minutes, int bucketMinutes)
    {
        await using var collector = await CollectorHost.StartAsync(time: _time);
        var from = _time.GetUtcNow().AddMinutes(-minutes).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);

        using var detail = JsonDocument.Parse(await collector.Client.GetStringAsync($"/api/hosts/{Pki.Host}?from={from}"));

        Assert.Equal(bucketMinutes, detail.RootElement.GetProperty("bucketMinutes").GetInt32());
        Assert.InRange(detail.RootElement.GetProperty("timeline").GetArrayLength(), 1, 72);
    }

    [Fact]
    public async Task HostDetail_ManyDistinctOutcomes_TheHundredMostReported()
    {
        // Senders name the outcome, so a host can have any number of them; the answer lists the 100 most reported.
        await using var collector = await CollectorHost.StartAsync(time: _time);
        string Report(string outcome) => ReportJson.For(Pki.Host, [Pki.InterceptorLeaf, Pki.InterceptorRoot.Certificate], [Pki.Intermediate.Pin], outcome: outcome);
        await collector.PostAcceptedAsync(Report("Frequent"));
        await Task.WhenAll(Enumerable.Range(0, 101).Select(i => collector.PostAcceptedAsync(Report($"Outcome{i}"))));
        await collector.PostAcceptedAsync(Report("Frequent"));

        using var detail = JsonDocument.Parse(await collector.Client.GetStringAsync($"/api/hosts/{Pki.Host}"));

        var outcomes = detail.RootElement.GetProperty("outcomes").EnumerateArray().ToList();
        Assert.Equal(100, outcomes.Count);
        Assert.Equal(("Frequent", 2), (outcomes[0].GetProperty("outcome").GetString(), outcomes[0].GetProperty("reports").GetInt64()));
    }
}
