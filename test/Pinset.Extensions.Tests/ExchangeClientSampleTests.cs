namespace Pinset.Extensions.Tests;

/// <summary>The sample runs as a user would run it, and passes only if pinning did its job over REST, WebSocket and gRPC.</summary>
public sealed class ExchangeClientSampleTests
{
    [Fact]
    public async Task Sample_GenuineCallsPass_InterceptedCallsRefused()
    {
        using var output = new StringWriter();
        int exit = await ExchangeClient.Program.RunAsync([], output);
        var text = output.ToString();
        Assert.True(exit == 0, text);
        Assert.Equal(3, text.Split('\n').Count(l => l.TrimStart().StartsWith("passed ", StringComparison.Ordinal)));
        Assert.Equal(3, text.Split('\n').Count(l => l.TrimStart().StartsWith("refused ", StringComparison.Ordinal)));
        Assert.Contains("it received 0 requests", text, StringComparison.Ordinal);
        Assert.Contains("WebSocket trades (Websocket.Client): trade BTCUSDT 0.5 @ 97000.00 from exchange (again after a reconnect, each connection pinned)", text, StringComparison.Ordinal);
    }
}
