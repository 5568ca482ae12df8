namespace Pinset.Cli.Tests;

/// <summary>
/// Each reason the platform refuses a chain gets its own advice, from real servers with real broken chains: an expired
/// leaf, a name the certificate does not carry, a missing intermediate, an unknown root. Only the last two speak of
/// --ca-file, and no report calls a refused chain "validated".
/// </summary>
public sealed class PlatformAdviceTests : IDisposable
{
    private readonly CliFixture _fx = new();

    public void Dispose() => _fx.Dispose();

    public static TheoryData<string, string> Cases => new()
    {
        { "expired", "has expired or is not yet valid: the server must renew it" },
        { "wrong-name", "The certificate is not issued for 'api.exchange.example': check the host name, or give --sni" },
        { "no-intermediate", "the server probably does not send its intermediate certificate (it must send the full chain)" },
        { "unknown-root", "The chain ends at a root this machine does not trust: for a private or test CA, give its root with --ca-file" },
        { "root-not-sent", "The chain ends at 'CN=Genuine Issuing CA, O=Pinset.Testing', sent by the server, whose issuer 'CN=Genuine Root CA, O=Pinset.Testing' is not a root this machine trusts: for a private or test CA, give that root with --ca-file" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Pin_EachRefusal_ItsOwnAdvice(string broken, string advice)
    {
        var (server, host, caFile) = await ServeAsync(broken);
        await using var _ = server;
        var run = await CliRunner.RunAsync(Args("pin", server, host, caFile));
        Assert.True(run.Exit == 4, run.ToString());
        Assert.True(run.Error.Contains(advice, StringComparison.Ordinal), run.ToString());
        Assert.Equal(broken is "no-intermediate" or "unknown-root" or "root-not-sent", run.Error.Contains("root with --ca-file", StringComparison.Ordinal) || run.Error.Contains("lacks the root", StringComparison.Ordinal));
        Assert.Equal(broken == "no-intermediate", run.Error.Contains("does not send its intermediate", StringComparison.Ordinal));
        Assert.Single(Cases, c => run.Error.Contains(c[1].ToString()!, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Verify_EachRefusal_ItsOwnAdviceAndNoValidatedChainHeading(string broken, string advice)
    {
        var (server, host, caFile) = await ServeAsync(broken);
        await using var _ = server;
        var run = await CliRunner.RunAsync([.. Args("verify", server, host, caFile), "--pin", _fx.Pki.Intermediate.Pin.ToString()]);
        Assert.True(run.Exit == 4, run.ToString());
        Assert.Contains($"  What to do: ", run.Out, StringComparison.Ordinal);
        Assert.True(run.Out.Contains(advice, StringComparison.Ordinal), run.ToString());
        Assert.DoesNotContain("Validated chain", run.Out, StringComparison.Ordinal);
        Assert.Contains("Chain the platform built but did not validate, leaf first:", run.Out, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Check_EachRefusal_UntrustedWithItsAdvice(string broken, string advice)
    {
        var (server, host, caFile) = await ServeAsync(broken);
        await using var _ = server;
        var policy = _fx.Policy($$"""{"hosts": ["{{host}}"], "pins": ["{{_fx.Pki.Intermediate.Pin}}", "{{TestPki.BackupPin}}"]}""");
        var run = await CliRunner.RunAsync([.. Args("check", server, host, caFile, policy)]);
        Assert.True(run.Exit == 1, run.ToString());
        Assert.StartsWith("UNTRUSTED", run.Out, StringComparison.Ordinal);
        Assert.True(run.Out.Contains(advice, StringComparison.Ordinal), run.ToString());
    }

    private static string[] Args(string command, Server server, string host, string? caFile, string? policy = null) =>
    [
        command, .. policy is null ? Array.Empty<string>() : [policy], $"{host}:{server.Port}", "--resolve", $"{host}:{server.Port}:127.0.0.1",
        .. caFile is null ? Array.Empty<string>() : ["--ca-file", caFile],
    ];

    private async Task<(Server Server, string Host, string? CaFile)> ServeAsync(string broken)
    {
        string host = broken == "wrong-name" ? "api.exchange.example" : TestPki.DefaultHost;
        switch (broken)
        {
            case "expired":
                var expired = _fx.Pki.Intermediate.IssueServer([TestPki.DefaultHost], notBefore: DateTimeOffset.UtcNow.AddDays(-30), notAfter: DateTimeOffset.UtcNow.AddDays(-1));
                var server = LoopbackTlsServer.Start(expired, [expired, _fx.Pki.Intermediate.Certificate]);
                return (new Server(server, server.Port), host, _fx.RootsPem);
            case "no-intermediate":
                var bare = LoopbackTlsServer.Start(_fx.Pki.Leaf, [_fx.Pki.Leaf]);
                return (new Server(bare, bare.Port), host, _fx.RootsPem);
            case "unknown-root":
                // openssl sends the root too (SslStream would leave it out), so the chain is complete and ends at a root
                // this machine does not trust; no --ca-file.
                var full = await OpenSslTlsServer.StartAsync(_fx.Pki.Leaf, [_fx.Pki.Intermediate.Certificate, _fx.Pki.Root.Certificate]);
                return (new Server(full, full.Port), host, null);
            case "root-not-sent":
                // The usual server: leaf and intermediate, no root; this machine does not trust the root (no --ca-file).
                var usual = LoopbackTlsServer.Start(_fx.Pki.Leaf, _fx.Pki.GenuineChain());
                return (new Server(usual, usual.Port), host, null);
            default:
                var genuine = LoopbackTlsServer.Start(_fx.Pki.Leaf, _fx.Pki.GenuineChain());
                return (new Server(genuine, genuine.Port), host, _fx.RootsPem);
        }
    }

    private sealed record Server(IAsyncDisposable Process, int Port) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Process.DisposeAsync();
    }
}
