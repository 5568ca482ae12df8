using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Pinset.Cli.Tests;

/// <summary>
/// Reaching servers the ways curl users do: --resolve with wildcards and several addresses, --connect-to, and an HTTP
/// proxy (the real mitmproxy, both passing tunnels through and intercepting them) chosen by --proxy or HTTPS_PROXY and
/// bypassed by NO_PROXY. The TLS name and the pins never change with the route.
/// </summary>
public sealed class RoutingTests : IDisposable
{
    private readonly CliFixture _fx = new();

    public void Dispose() => _fx.Dispose();

    private string IntermediatePin => _fx.Pki.Intermediate.Pin.ToString();

    [Fact]
    public async Task Resolve_WildcardHost_AppliesToAnyHostOnThatPort()
    {
        await using var server = LoopbackTlsServer.Start(_fx.Pki.Leaf, _fx.Pki.GenuineChain());
        var run = await CliRunner.RunAsync("verify", $"{TestPki.DefaultHost}:{server.Port}", "--pin", IntermediatePin, "--resolve", $"*:{server.Port}:127.0.0.1", "--ca-file", _fx.RootsPem);
        Assert.True(run.Exit == 0, run.ToString());
    }

    [Fact]
    public async Task Resolve_SeveralAddresses_TriedInOrder()
    {
        await using var server = LoopbackTlsServer.Start(_fx.Pki.Leaf, _fx.Pki.GenuineChain());

        // Nothing listens on 127.0.0.2 (the server is bound to 127.0.0.1), so the first address is refused at once.
        var run = await CliRunner.RunAsync("verify", $"{TestPki.DefaultHost}:{server.Port}", "--pin", IntermediatePin, "--resolve", $"{TestPki.DefaultHost}:{server.Port}:127.0.0.2,[::ffff:127.0.0.1]", "--ca-file", _fx.RootsPem);
        Assert.True(run.Exit == 0, run.ToString());
    }

    [Fact]
    public async Task ConnectTo_ConnectsElsewhereAndKeepsTheTlsName()
    {
        await using var server = LoopbackTlsServer.Start(_fx.Pki.Leaf, _fx.Pki.GenuineChain());
        var run = await CliRunner.RunAsync("verify", TestPki.DefaultHost, "--pin", IntermediatePin, "--connect-to", $"{TestPki.DefaultHost}:443:127.0.0.1:{server.Port}", "--ca-file", _fx.RootsPem);
        Assert.True(run.Exit == 0, run.ToString());
        Assert.Contains($"'{TestPki.DefaultHost}'", run.Out, StringComparison.Ordinal);

        var anyHost = await CliRunner.RunAsync("pin", TestPki.DefaultHost, "--connect-to", $"::127.0.0.1:{server.Port}", "--ca-file", _fx.RootsPem);
        Assert.True(anyHost.Exit == 0, anyHost.ToString());
    }

    [Theory]
    [InlineData("--connect-to", "api.exchange.test:443:127.0.0.1", "is not HOST1:PORT1:HOST2:PORT2")]
    [InlineData("--connect-to", "api.exchange.test:http:127.0.0.1:443", "is not HOST1:PORT1:HOST2:PORT2")]
    [InlineData("--resolve", "*:443:not-an-address", "is not HOST:PORT:ADDR[,ADDR]")]
    [InlineData("--resolve", "api.exchange.test:443:127.0.0.1,", "is not HOST:PORT:ADDR[,ADDR]")]
    [InlineData("--proxy", "socks5://127.0.0.1:1080", "is a socks5:// proxy; pinset connects through HTTP proxies")]
    [InlineData("--proxy", "http://", "is not a proxy URL")]
    public async Task BadRoute_Exit2QuotingIt(string option, string value, string expected)
    {
        var run = await CliRunner.RunAsync("pin", "api.exchange.test", option, value);
        Assert.Equal(2, run.Exit);
        Assert.Contains($"{option} '{value}' {expected}", run.Error, StringComparison.Ordinal);
    }

    [RequiresToolsFact("mitmdump")]
    public async Task Proxy_PassingTunnelsThrough_VerifiesTheServersOwnChain()
    {
        await using var server = LoopbackTlsServer.Start(_fx.Pki.Leaf, _fx.Pki.GenuineChain());
        await using var proxy = await MitmProxy.StartForwardAsync(_fx.Pki.InterceptorRoot, _fx.Pki.Root, intercept: false);
        var run = await CliRunner.RunAsync("verify", $"localhost:{server.Port}", "--pin", IntermediatePin, "--proxy", $"http://127.0.0.1:{proxy.Port}", "--ca-file", _fx.RootsPem);
        Assert.True(run.Exit == 0, $"{run}\n--- mitmdump\n{proxy.Output}");
        await proxy.SeenAsync($"server connect localhost:{server.Port}").WaitAsync(TimeSpan.FromSeconds(30));
    }

    [RequiresToolsFact("mitmdump")]
    public async Task Proxy_InterceptingWithATrustedCa_Refused()
    {
        await using var server = LoopbackTlsServer.Start(_fx.Pki.Leaf, _fx.Pki.GenuineChain());
        await using var proxy = await MitmProxy.StartForwardAsync(_fx.Pki.InterceptorRoot, _fx.Pki.Root, intercept: true);
        var run = await CliRunner.RunAsync("verify", $"localhost:{server.Port}", "--pin", IntermediatePin, "--pin", TestPki.BackupPin.ToString(), "--proxy", $"127.0.0.1:{proxy.Port}", "--ca-file", _fx.RootsPem);
        Assert.True(run.Exit == 1, $"{run}\n--- mitmdump\n{proxy.Output}");
        Assert.Contains("Certificate pinning failure!", run.Out, StringComparison.Ordinal);
        Assert.Equal(0, server.Requests);
    }

    [RequiresToolsFact("mitmdump")]
    public async Task Proxy_FromHttpsProxyWithCredentials_AndWithoutThemSays407()
    {
        await using var server = LoopbackTlsServer.Start(_fx.Pki.Leaf, _fx.Pki.GenuineChain());
        await using var proxy = await MitmProxy.StartForwardAsync(_fx.Pki.InterceptorRoot, _fx.Pki.Root, intercept: false, credentials: "trader:s3cret");
        string[] args = ["pin", $"localhost:{server.Port}", "--ca-file", _fx.RootsPem];
        var withCredentials = await CliRunner.RunWithEnvironmentAsync(new Dictionary<string, string> { ["HTTPS_PROXY"] = $"http://trader:s3cret@127.0.0.1:{proxy.Port}" }, args);
        Assert.True(withCredentials.Exit == 0, $"{withCredentials}\n--- mitmdump\n{proxy.Output}");
        Assert.StartsWith(_fx.Pki.LeafPin.ToString(), withCredentials.Out, StringComparison.Ordinal);

        var without = await CliRunner.RunWithEnvironmentAsync(new Dictionary<string, string> { ["https_proxy"] = $"http://127.0.0.1:{proxy.Port}" }, args);
        Assert.Equal(3, without.Exit);
        Assert.Contains($"The proxy http://127.0.0.1:{proxy.Port} (https_proxy) refused to CONNECT to localhost:{server.Port}", without.Error, StringComparison.Ordinal);
        Assert.Contains("407", without.Error, StringComparison.Ordinal);
        Assert.Contains("It wants credentials", without.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", without.Error + withCredentials.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("localhost", null)]
    [InlineData(".localhost", null)]
    [InlineData("*", null)]
    [InlineData(null, "localhost,other.example")]
    public async Task NoProxy_ListedHostsAreReachedDirectly(string? noProxyVariable, string? noProxyOption)
    {
        await using var server = LoopbackTlsServer.Start(_fx.Pki.Leaf, _fx.Pki.GenuineChain());
        int deadProxy = ClosedPort();
        var environment = new Dictionary<string, string> { ["HTTPS_PROXY"] = $"http://127.0.0.1:{deadProxy}" };
        if (noProxyVariable is not null)
        {
            environment["NO_PROXY"] = noProxyVariable;
        }

        string[] args = ["pin", $"localhost:{server.Port}", "--ca-file", _fx.RootsPem, .. noProxyOption is null ? Array.Empty<string>() : ["--noproxy", noProxyOption]];
        var direct = await CliRunner.RunWithEnvironmentAsync(environment, args);
        Assert.True(direct.Exit == 0, direct.ToString());

        var proxied = await CliRunner.RunWithEnvironmentAsync(new Dictionary<string, string> { ["HTTPS_PROXY"] = $"http://127.0.0.1:{deadProxy}" }, ["pin", $"localhost:{server.Port}", "--ca-file", _fx.RootsPem]);
        Assert.Equal(3, proxied.Exit);
        Assert.Contains($"Could not connect to the proxy http://127.0.0.1:{deadProxy} (HTTPS_PROXY)", proxied.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Proxy_EmptyOptionOverridesTheEnvironment()
    {
        await using var server = LoopbackTlsServer.Start(_fx.Pki.Leaf, _fx.Pki.GenuineChain());
        var run = await CliRunner.RunWithEnvironmentAsync(new Dictionary<string, string> { ["HTTPS_PROXY"] = $"http://127.0.0.1:{ClosedPort()}" }, "pin", $"localhost:{server.Port}", "--ca-file", _fx.RootsPem, "--proxy", "");
        Assert.True(run.Exit == 0, run.ToString());
    }

    [Fact]
    public async Task Verify_SeveralTargets_EachVerdictAndTheWorstExitCode()
    {
        await using var genuine = LoopbackTlsServer.Start(_fx.Pki.Leaf, _fx.Pki.GenuineChain());
        await using var interceptor = LoopbackTlsServer.Start(_fx.Pki.InterceptorLeaf);
        int closed = ClosedPort();
        string[] targets = [$"localhost:{genuine.Port}", $"localhost:{interceptor.Port}", $"localhost:{closed}"];
        var run = await CliRunner.RunAsync(["verify", .. targets, "--pin", IntermediatePin, "--pin", TestPki.BackupPin.ToString(), "--ca-file", _fx.RootsPem]);
        Assert.True(run.Exit == 1, run.ToString());
        Assert.Contains($"PASSED: a pinned key or certificate is in the validated chain of localhost:{genuine.Port}", run.Out, StringComparison.Ordinal);
        Assert.Contains("Certificate pinning failure!", run.Out, StringComparison.Ordinal);
        Assert.Contains($"UNREACHABLE: Could not connect to 'localhost:{closed}'", run.Out, StringComparison.Ordinal);

        var json = await CliRunner.RunAsync(["verify", .. targets, "--pin", IntermediatePin, "--pin", TestPki.BackupPin.ToString(), "--ca-file", _fx.RootsPem, "--json"]);
        using var document = JsonDocument.Parse(json.Out);
        Assert.False(document.RootElement.GetProperty("passed").GetBoolean());
        Assert.Equal(["PinMatched", "PinMismatch", "Unreachable"], document.RootElement.GetProperty("targets").EnumerateArray().Select(t => t.GetProperty("verdict").GetString()));
    }

    [Fact]
    public async Task Verify_CertificatePin_MarkedPinnedLikeAKeyPin()
    {
        await using var server = LoopbackTlsServer.Start(_fx.Pki.Leaf, _fx.Pki.GenuineChain());
        var fingerprint = CertificateFingerprint.FromCertificate(_fx.Pki.Intermediate.Certificate);
        var policy = _fx.Policy($$"""{"hosts": ["{{TestPki.DefaultHost}}"], "pins": ["{{TestPki.BackupPin}}"], "certificates": ["{{fingerprint}}"]}""");
        var run = await CliRunner.RunAsync(["verify", CliFixture.Target(server), "--policy", policy, .. _fx.Reach(server)]);
        Assert.True(run.Exit == 0, run.ToString());
        var marked = Assert.Single(run.Out.Split('\n'), l => l.StartsWith("  pinned", StringComparison.Ordinal));
        Assert.Contains(_fx.Pki.Intermediate.Certificate.Subject, marked, StringComparison.Ordinal);

        var json = await CliRunner.RunAsync(["verify", CliFixture.Target(server), "--policy", policy, "--json", .. _fx.Reach(server)]);
        using var document = JsonDocument.Parse(json.Out);
        Assert.Equal([false, true], document.RootElement.GetProperty("targets")[0].GetProperty("chain").EnumerateArray().Select(c => c.GetProperty("pinned").GetBoolean()).Take(2));
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
