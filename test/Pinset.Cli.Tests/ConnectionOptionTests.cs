using System.Net;
using System.Net.Sockets;

namespace Pinset.Cli.Tests;

/// <summary>The connecting options as curl users write them: durations, curl's spellings, and values that are refused with a sentence.</summary>
public sealed class ConnectionOptionTests
{
    [Theory]
    [InlineData("--timeout", "300ms", "300 ms")]
    [InlineData("--timeout", "0.3", "300 ms")]
    [InlineData("--max-time", "0.25s", "250 ms")]
    public async Task Timeout_DurationsAndCurlsSpelling_AppliedAndNamedInTheMessage(string option, string value, string said)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var run = await CliRunner.RunAsync("pin", $"{TestPki.DefaultHost}:{port}", "--resolve", $"{TestPki.DefaultHost}:{port}:127.0.0.1", option, value);
        Assert.True(run.Exit == 3, run.ToString());
        Assert.Contains($"did not finish within {said} (--timeout).", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0", "is no time at all")]
    [InlineData("0ms", "is no time at all")]
    [InlineData("-1", "is not a duration")]
    [InlineData("2x", "is not a duration")]
    [InlineData("two", "is not a duration")]
    [InlineData("2h", "is longer than the longest allowed, 60 minutes")]
    public async Task Timeout_BadValue_Exit2WithASentenceQuotingIt(string value, string expected)
    {
        var run = await CliRunner.RunAsync("pin", "api.exchange.test:443", "--timeout", value);
        Assert.Equal(2, run.Exit);
        Assert.Contains($"--timeout '{value}' {expected}", run.Error, StringComparison.Ordinal);
    }
}
