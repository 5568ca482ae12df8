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

    /// <summary>Every wait is counted in whole milliseconds: less than one would be no wait at all, and is refused like 0, wherever a duration is read.</summary>
    [Theory]
    [InlineData("pin api.exchange.test:443 --timeout 0.4ms")]
    [InlineData("check {policy} api.exchange.test:443 --max-time 0.0001")]
    [InlineData("tunnel --listen 127.0.0.1:0 --to api.exchange.test:443 --policy {policy} --drain-timeout 0.5ms")]
    [InlineData("tunnel --listen 127.0.0.1:0 --to api.exchange.test:443 --policy {policy} --idle-timeout 0.9ms")]
    [InlineData("bundle sign {policy} --key {key} --version 1 --valid-for 0.4ms --out {out} --offline")]
    public async Task Duration_LessThanAMillisecond_Exit2SayingTheUnit_TheRealProcess(string command)
    {
        using var fx = new CliFixture();
        var policy = fx.Policy($$"""{"hosts": ["{{TestPki.DefaultHost}}"], "pins": ["{{fx.Pki.Intermediate.Pin}}", "{{TestPki.BackupPin}}"]}""");
        Assert.Equal(0, (await CliRunner.RunAsync("bundle", "keygen", fx.File("signing"))).Exit);
        var args = command.Replace("{policy}", policy, StringComparison.Ordinal).Replace("{key}", fx.File("signing.key"), StringComparison.Ordinal).Replace("{out}", fx.File("p.jws"), StringComparison.Ordinal).Split(' ');
        var (option, value) = (args[^2], args[^1]);
        if (args[^1] == "--offline")
        {
            (option, value) = (args[^5], args[^4]);
        }

        var run = await PinsetProcess.RunAsync(args);
        Assert.True(run.Exit == 2, $"exit {run.Exit}\n{run.Out}\n{run.Error}");
        Assert.Contains($"{option} '{value}' is ", run.Error, StringComparison.Ordinal);
        Assert.Contains(" ms, less than the smallest wait pinset counts, 1 millisecond; give 1ms or more", run.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(fx.File("p.jws")));
    }
}
