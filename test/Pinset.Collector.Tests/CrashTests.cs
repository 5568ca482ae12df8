using System.Collections.Concurrent;
using System.Net;

namespace Pinset.Collector.Tests;

/// <summary>
/// An answered report is never lost: the real collector process, under load from 16 concurrent senders, is killed with
/// SIGKILL, and every report it had answered 202 is in the database afterwards. Each report carries a unique app
/// version, so each is its own row and can be looked for.
/// </summary>
[Collection(PostgresFixture.Collection)]
public sealed class CrashTests(PostgresFixture postgres) : ScratchTests
{
    private const int Senders = 16;
    private const int KillAfter = 400;
    [Fact]
    public async Task KillDuringLoad_Sqlite_EveryAcceptedReportIsStored()
    {
        // No settings at all, as `dotnet run` starts it: the default SQLite file under the user's data directory.
        var environment = new Dictionary<string, string> { ["XDG_DATA_HOME"] = Files.Path };
        var answered = await LoadAndKillAsync([], environment);

        await using var store = new SqliteReportStore($"Data Source={Files.File("Pinset.Collector/reports.db")}");
        await AssertAllStoredAsync(store, answered);
    }

    [Fact]
    public async Task KillDuringLoad_PostgreSQL_EveryAcceptedReportIsStored()
    {
        var connection = await postgres.Server.CreateDatabaseAsync();
        var answered = await LoadAndKillAsync(["--Storage:Provider=PostgreSQL", $"--ConnectionStrings:Reports={connection}"], null);

        await using var store = new PostgresReportStore(connection);
        await AssertAllStoredAsync(store, answered);
    }

    private async Task<List<string>> LoadAndKillAsync(string[] arguments, IReadOnlyDictionary<string, string>? environment)
    {
        await using var collector = await CollectorProcess.StartAsync(arguments, environment);
        var answered = new ConcurrentBag<string>();
        var failed = 0;
        var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var client = new HttpClient { BaseAddress = collector.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var senders = Enumerable.Range(0, Senders).Select(sender => Task.Run(async () =>
        {
            // Bounded: each sender stops at its first failure (the kill) or after 2,000 reports.
            for (int i = 0; i < 2000; i++)
            {
                var version = $"s{sender}-{i}";
                try
                {
                    using var content = new StringContent(ReportJson.Intercepted(Pki, version), System.Text.Encoding.UTF8, "application/json");
                    using var response = await client.PostAsync("/reports", content);
                    Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
                    answered.Add(version);
                    if (answered.Count >= KillAfter)
                    {
                        enough.TrySetResult();
                    }
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref failed);
                    return;
                }
            }
        })).ToList();

        await enough.Task.WaitAsync(TimeSpan.FromSeconds(120));
        await collector.KillAsync();
        await Task.WhenAll(senders);

        Assert.True(failed > 0, "No request failed, so the kill did not happen during the load.");
        return [.. answered];
    }

    private static async Task AssertAllStoredAsync(ReportStore store, List<string> answered)
    {
        var stored = (await store.CountByAppVersionAsync(CancellationToken.None)).Select(v => v.AppVersion).ToHashSet(StringComparer.Ordinal);
        var lost = answered.Where(v => !stored.Contains(v)).ToList();
        Assert.True(lost.Count == 0, $"{lost.Count} of {answered.Count} reports answered 202 are missing after the kill: {string.Join(", ", lost.Take(10))}");
        Assert.True(answered.Count >= KillAfter);
    }
}
