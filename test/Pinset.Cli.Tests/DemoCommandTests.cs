using System.Text.Json;

namespace Pinset.Cli.Tests;

public sealed class DemoCommandTests
{
    [Fact]
    public async Task Demo_ExchangePassesInterceptorRefused_Exit0()
    {
        var run = await CliRunner.RunAsync("demo");
        Assert.True(run.Exit == 0, run.ToString());
        Assert.Contains("1. Exchange", run.Out, StringComparison.Ordinal);
        Assert.Contains("refused before any request was sent (0 requests reached it)", run.Out, StringComparison.Ordinal);
        Assert.Contains("Certificate pinning failure!", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Demo_Json_OneDocument()
    {
        var run = await CliRunner.RunAsync("demo", "--json");
        Assert.Equal(0, run.Exit);
        using var json = JsonDocument.Parse(run.Out);
        Assert.True(json.RootElement.GetProperty("interceptorRefused").GetBoolean());
        Assert.Equal(0, json.RootElement.GetProperty("interceptorRequests").GetInt32());
    }
}
