using System.Net;
using System.Text;

namespace Pinset.Collector.Tests;

/// <summary>The collector as a user starts it: no settings at all, from whatever directory the shell happens to be in.</summary>
public sealed class StartTests : ScratchTests
{
    [Fact]
    public async Task Start_FromAnotherDirectoryWithNoSettings_ItsOwnAppSettingsAndTheDefaultSqliteFile()
    {
        // The shell's directory holds another app's appsettings.json: read, its key would stop the collector's start.
        var elsewhere = Directory.CreateDirectory(Files.File("elsewhere")).FullName;
        await File.WriteAllTextAsync(Path.Combine(elsewhere, "appsettings.json"), """{"Storage": {"Bucket": "another app's"}}""");
        var data = Files.File("data");

        await using var collector = await CollectorProcess.StartAsync([], new Dictionary<string, string> { ["XDG_DATA_HOME"] = data }, elsewhere);

        await AssertStoresInTheDefaultFileAsync(collector, data, AppContext.BaseDirectory);
    }

    [Fact]
    public async Task Published_FromAnotherDirectoryWithNoSettings_StartsAndStores()
    {
        var published = Files.File("published");
        await DotnetBuild.PublishAsync(Repository.File("src", "Pinset.Collector"), published);
        var elsewhere = Directory.CreateDirectory(Files.File("elsewhere")).FullName;
        var data = Files.File("data");

        await using var collector = await CollectorProcess.StartAsync([], new Dictionary<string, string> { ["XDG_DATA_HOME"] = data }, elsewhere, published);

        await AssertStoresInTheDefaultFileAsync(collector, data, published);
    }

    private async Task AssertStoresInTheDefaultFileAsync(CollectorProcess collector, string data, string contentRoot)
    {
        var database = Path.Combine(data, "Pinset.Collector", "reports.db");
        Assert.Contains($"Content root path: {Path.GetFullPath(contentRoot).TrimEnd('/')}", collector.Output, StringComparison.Ordinal);
        Assert.Contains($"Reports are stored in the SQLite file '{database}'; schema version 1, retention 90.00:00:00.", collector.Output, StringComparison.Ordinal);
        using var client = new HttpClient { BaseAddress = collector.BaseAddress };
        using var response = await client.PostAsync("/reports", new StringContent(ReportJson.Intercepted(Pki), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await using var store = new SqliteReportStore($"Data Source={database}");
        Assert.Equal((1, 1), await store.CountAsync(CancellationToken.None));
    }
}
