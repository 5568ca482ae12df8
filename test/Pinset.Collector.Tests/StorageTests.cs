using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Pinset.Collector.Tests;

/// <summary>
/// The same behaviour on both storages: a real SQLite file and a real PostgreSQL server (started for the run, never
/// skipped under eng/test.sh): aggregation under concurrent load, migrations when instances start together, data kept
/// across a restart, retention.
/// </summary>
[Collection(PostgresFixture.Collection)]
public sealed class StorageTests(PostgresFixture postgres) : ScratchTests
{
    [Theory]
    [InlineData("Sqlite")]
    [InlineData("PostgreSQL")]
    public async Task Post_ConcurrentIdenticalReports_OneRowPerMinuteWithTheirCount(string provider)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 2, 8, 0, 0, TimeSpan.Zero));
        await using var collector = await CollectorHost.StartAsync(await postgres.SettingsAsync(provider, Files), time);
        var flood = ReportJson.Intercepted(Pki, "4.2.0");

        await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => collector.PostAcceptedAsync(flood)));
        await collector.PostAcceptedAsync(ReportJson.Intercepted(Pki, "4.3.0"));
        time.Advance(TimeSpan.FromMinutes(1));
        await collector.PostAcceptedAsync(flood);

        Assert.Equal((3, 202), await collector.Store.CountAsync(CancellationToken.None));
        Assert.Equal([("4.2.0", 201L), ("4.3.0", 1L)], (await collector.Store.CountByAppVersionAsync(CancellationToken.None)).OrderBy(v => v.AppVersion));
    }

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("PostgreSQL")]
    public async Task Start_InstancesStartingTogetherOnOneDatabase_EachMigrationAppliedOnceAndAllServe(string provider)
    {
        var settings = await postgres.SettingsAsync(provider, Files);

        var instances = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => CollectorHost.StartAsync(settings))));
        try
        {
            Assert.Equal([1], await instances[0].Store.SchemaVersionsAsync(CancellationToken.None));
            foreach (var instance in instances)
            {
                await instance.PostAcceptedAsync(ReportJson.Intercepted(Pki));
            }

            Assert.Equal(3, (await instances[2].Store.CountAsync(CancellationToken.None)).Reports);
        }
        finally
        {
            foreach (var instance in instances)
            {
                await instance.DisposeAsync();
            }
        }
    }

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("PostgreSQL")]
    public async Task Restart_ReportsStoredBefore_StillServedByTheApi(string provider)
    {
        var settings = await postgres.SettingsAsync(provider, Files);
        await using (var first = await CollectorHost.StartAsync(settings))
        {
            await first.PostAcceptedAsync(ReportJson.Intercepted(Pki, mode: "enforce"));
            await first.PostAcceptedAsync(ReportJson.Intercepted(Pki, mode: "enforce", appName: "pinset check"));
        }

        await using var second = await CollectorHost.StartAsync(settings);
        using var hosts = JsonDocument.Parse(await second.Client.GetStringAsync("/api/hosts"));
        var host = Assert.Single(hosts.RootElement.GetProperty("hosts").EnumerateArray());
        Assert.Equal((2, 1, 1), (host.GetProperty("reports").GetInt64(), host.GetProperty("enforced").GetInt64(), host.GetProperty("probes").GetInt64()));
        using var detail = JsonDocument.Parse(await second.Client.GetStringAsync($"/api/hosts/{Pki.Host}"));
        Assert.Equal([false, true], detail.RootElement.GetProperty("outcomes").EnumerateArray().Select(o => o.GetProperty("probe").GetBoolean()).Order());
        var timeline = detail.RootElement.GetProperty("timeline").EnumerateArray().ToList();
        Assert.Equal((1, 1), (timeline.Sum(p => p.GetProperty("enforced").GetInt64()), timeline.Sum(p => p.GetProperty("probes").GetInt64())));
    }

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("PostgreSQL")]
    public async Task Retention_GroupsOlderThanTheRetention_DeletedAndNoOthers(string provider)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 2, 8, 0, 0, TimeSpan.Zero));
        var settings = await postgres.SettingsAsync(provider, Files);
        settings["Storage:Retention"] = "30.00:00:00";
        await using var collector = await CollectorHost.StartAsync(settings, time);
        var retention = collector.Services.GetRequiredService<RetentionService>();
        await collector.PostAcceptedAsync(ReportJson.Intercepted(Pki, "old"));
        time.Advance(TimeSpan.FromDays(10));
        await collector.PostAcceptedAsync(ReportJson.Intercepted(Pki, "new"));

        // The hourly loop may purge too as the fake clock moves; either way, what is left is what counts.
        time.Advance(TimeSpan.FromDays(20) - TimeSpan.FromMinutes(1));
        await retention.PurgeAsync(CancellationToken.None);
        Assert.Equal([("new", 1L), ("old", 1L)], (await collector.Store.CountByAppVersionAsync(CancellationToken.None)).OrderBy(v => v.AppVersion));
        time.Advance(TimeSpan.FromMinutes(2));
        await retention.PurgeAsync(CancellationToken.None);
        Assert.Equal([("new", 1L)], await collector.Store.CountByAppVersionAsync(CancellationToken.None));
    }
}
