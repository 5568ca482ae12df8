using System.Text.Json;

namespace Pinset.Cli.Tests;

/// <summary>Under --json everything a script reads is JSON: the result on standard output, and each error and warning on standard error.</summary>
public sealed class JsonOutputTests : IDisposable
{
    private readonly CliFixture _fx = new();

    public void Dispose() => _fx.Dispose();

    public static TheoryData<string[], string> Errors => new()
    {
        { ["pin", "missing-dir/leaf.pem", "--json"], "is not a file" },
        { ["pin", "--bogus", "--json"], "--bogus" },
        { ["verify", "api.exchange.test", "--json"], "Give either --pin" },
        { ["convert", "--json", "policy.json"], "--to" },
        { ["pin", "api.exchange.test", "--timeout", "0", "--json"], "--timeout '0' is no time at all" },
    };

    [Theory]
    [MemberData(nameof(Errors))]
    public async Task Error_UnderJson_IsOneJsonObjectOnStandardError(string[] args, string expected)
    {
        var run = await CliRunner.RunAsync(args);
        Assert.Equal(2, run.Exit);
        Assert.Equal(string.Empty, run.Out);
        var line = Assert.Single(run.Error.TrimEnd().Split('\n'));
        using var error = JsonDocument.Parse(line);
        Assert.Equal("error", error.RootElement.GetProperty("type").GetString());
        Assert.Equal("bad-input", error.RootElement.GetProperty("code").GetString());
        Assert.Equal(2, error.RootElement.GetProperty("exitCode").GetInt32());
        Assert.Contains(expected, error.RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectFailure_UnderJson_NamesItsCode()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        int port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        var run = await CliRunner.RunAsync("pin", $"{TestPki.DefaultHost}:{port}", "--resolve", $"{TestPki.DefaultHost}:{port}:127.0.0.1", "--timeout", "200ms", "--json");
        Assert.Equal(3, run.Exit);
        using var error = JsonDocument.Parse(run.Error);
        Assert.Equal("connect-failed", error.RootElement.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Warning_UnderJson_IsJsonToo()
    {
        await using var server = LoopbackTlsServer.Start(_fx.Pki.Leaf, _fx.Pki.GenuineChain());
        var run = await CliRunner.RunAsync("pin", CliFixture.Target(server), "--resolve", $"{TestPki.DefaultHost}:{server.Port}:127.0.0.1", "--insecure", "--json");
        Assert.True(run.Exit == 0, run.ToString());
        using var result = JsonDocument.Parse(run.Out);
        Assert.False(result.RootElement.GetProperty("targets")[0].GetProperty("trusted").GetBoolean());
        using var warning = JsonDocument.Parse(Assert.Single(run.Error.TrimEnd().Split('\n')));
        Assert.Equal("warning", warning.RootElement.GetProperty("type").GetString());
        Assert.StartsWith("INSECURE", warning.RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("curl")]
    [InlineData("json")]
    [InlineData("text")]
    public async Task FormatWithJson_UsageError(string format)
    {
        var file = _fx.File("leaf.pem");
        File.WriteAllText(file, _fx.Pki.Leaf.ExportCertificatePem());
        var run = await CliRunner.RunAsync("pin", file, "--format", format, "--json");
        Assert.Equal(2, run.Exit);
        Assert.Equal(string.Empty, run.Out);
        Assert.Contains($"--json and --format {format} ask for two different outputs", run.Error, StringComparison.Ordinal);
    }
}
