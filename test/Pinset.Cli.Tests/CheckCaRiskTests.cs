using System.Text.Json;
using Microsoft.Extensions.Time.Testing;

namespace Pinset.Cli.Tests;

/// <summary>
/// check's rotation risks that come from the CA operators, end to end: nginx on loopback answering as Cloudflare does
/// (<c>server: cloudflare</c>, <c>cf-ray</c>) with chains of the stand-ins for the public CAs.
/// </summary>
public sealed class CheckCaRiskTests : IAsyncLifetime, IDisposable
{
    private const string Host = "api.exchange.example";
    private static readonly (string, string)[] Cloudflare = [("server", "cloudflare"), ("cf-ray", "8f1e2d3c4b5a6978-FRA")];
    private readonly PublicCaStandIns _cas = new();
    private readonly TempDirectory _dir = new();
    private NginxServer _nginx = null!;

    public async Task InitializeAsync() => _nginx = await NginxServer.StartAsync(
    [
        _cas.Site("cloudflare", "R11", Host, Cloudflare),
        _cas.Site("plain", "R11", Host),
        _cas.Site("branded", "Cloudflare TLS Issuing ECC CA 3", Host),
    ]);

    public async Task DisposeAsync() => await _nginx.DisposeAsync();

    public void Dispose()
    {
        _cas.Dispose();
        _dir.Dispose();
    }

    private string Policy(params SpkiPin[] pins)
    {
        var path = _dir.File(Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, $$$"""{"pinning": {"policies": [{"hosts": ["{{{Host}}}"], "pins": [{{{string.Join(", ", pins.Select(p => $"\"{p}\""))}}}]}]}}""");
        return path;
    }

    private string[] Args(string site, string policy, params string[] more) =>
        ["check", policy, $"{Host}:{_nginx.Port(site)}", "--resolve", $"{Host}:{_nginx.Port(site)}:127.0.0.1", "--ca-file", _cas.RootsPem, "--ca-map", _cas.MapFile, .. more];

    /// <summary>check of <paramref name="site"/> with a policy of the intermediate named <paramref name="intermediate"/> and a backup: a rotation risk (exit 5).</summary>
    private async Task<CliRunner.Run> RiskAsync(string site, string intermediate)
    {
        var run = await CliRunner.RunAsync(Args(site, Policy(_cas.Intermediate(intermediate).Pin, TestPki.BackupPin)));
        Assert.True(run.Exit == 5, run.ToString());
        return run;
    }

    [RequiresToolsFact("nginx")]
    public async Task Check_PinnedOnR11BehindCloudflare_RotatingPoolAndCdnMaySwitchCa()
    {
        var run = await RiskAsync("cloudflare", "R11");
        Assert.Contains(
            $"    risk: Rotating pool: Let's Encrypt issues from E5–E9 and R10–R14 at random; your pins match only R11, so a renewal from any other fails. Add the roots: ISRG Root X1 {_cas.Root("ISRG Root X1").Pin}, ISRG Root X2 {_cas.Root("ISRG Root X2").Pin}.",
            run.Out, StringComparison.Ordinal);
        Assert.Contains(
            "    risk: CDN may switch CA: the host is behind Cloudflare (recognised by the response header 'server: cloudflare'), which may issue its certificate from Let's Encrypt, Google Trust Services, SSL.com and Sectigo without notice; "
            + "your pins cover only Let's Encrypt, so the day it moves to Google Trust Services, SSL.com and Sectigo this host fails. "
            + $"Add the roots: GTS Root R1 {_cas.Root("GTS Root R1").Pin}, GTS Root R4 {_cas.Root("GTS Root R4").Pin}, SSL.com TLS ECC Root CA 2022 {_cas.Root("SSL.com TLS ECC Root CA 2022").Pin}, Sectigo Public Server Authentication Root E46 {_cas.Root("Sectigo Public Server Authentication Root E46").Pin}.",
            run.Out, StringComparison.Ordinal);
    }

    [RequiresToolsFact("nginx")]
    public async Task Check_Json_StableCodeForEachRisk()
    {
        var run = await CliRunner.RunAsync(Args("cloudflare", Policy(_cas.Intermediate("R11").Pin, _cas.Root("ISRG Root X1").Pin), "--json"));
        Assert.True(run.Exit == 5, run.ToString());
        using var json = JsonDocument.Parse(run.Out);
        var target = json.RootElement.GetProperty("targets")[0];
        Assert.Equal(["no-backup-pin", "rotating-pool", "cdn-may-switch-ca"], target.GetProperty("risks").EnumerateArray().Select(r => r.GetProperty("code").GetString()));
        Assert.StartsWith("Rotating pool: Let's Encrypt issues from E5–E9 and R10–R14 at random; your pins match only R11, so a renewal from E5–E9 fails.", target.GetProperty("risks")[1].GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("cloudflare", target.GetProperty("cdn").GetProperty("name").GetString());
        Assert.Equal("the response header 'server: cloudflare'", target.GetProperty("cdn").GetProperty("recognisedBy").GetString());
    }

    [RequiresToolsFact("nginx")]
    public async Task Check_RootsOfEveryOperatorOfTheCdn_NoRisk()
    {
        var roots = new[] { "ISRG Root X1", "ISRG Root X2", "GTS Root R1", "GTS Root R4", "SSL.com TLS ECC Root CA 2022", "Sectigo Public Server Authentication Root E46" };
        var run = await CliRunner.RunAsync(Args("cloudflare", Policy([.. roots.Select(r => _cas.Root(r).Pin), TestPki.BackupPin])));
        Assert.True(run.Exit == 0, run.ToString());
    }

    [RequiresToolsFact("nginx")]
    public async Task Check_NoCdnHeaders_OnlyTheRotatingPool()
    {
        var run = await RiskAsync("plain", "R11");
        Assert.Contains("risk: Rotating pool", run.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("CDN may switch CA", run.Out, StringComparison.Ordinal);
    }

    [RequiresToolsFact("nginx")]
    public async Task Check_CloudflareBrandedIssuingCa_RecognisedWithoutHeaders()
    {
        var run = await RiskAsync("branded", "Cloudflare TLS Issuing ECC CA 3");
        Assert.Contains("risk: CDN may switch CA: the host is behind Cloudflare (recognised by the CDN-branded issuing CA 'Cloudflare TLS Issuing ECC CA 3')", run.Out, StringComparison.Ordinal);
        Assert.Contains("your pins cover only SSL.com, so the day it moves to Let's Encrypt, Google Trust Services and Sectigo this host fails.", run.Out, StringComparison.Ordinal);
    }

    [RequiresToolsFact("nginx")]
    public async Task Check_OperatorNotInTheMap_NoClaims()
    {
        // The built-in map knows the real CAs' keys, not the stand-ins': it makes no claim about them, and asks for no headers.
        var policy = Policy(_cas.Intermediate("R11").Pin, TestPki.BackupPin);
        var run = await CliRunner.RunAsync(["check", policy, $"{Host}:{_nginx.Port("cloudflare")}", "--resolve", $"{Host}:{_nginx.Port("cloudflare")}:127.0.0.1", "--ca-file", _cas.RootsPem]);
        Assert.True(run.Exit == 0, run.ToString());
        Assert.Null(await _nginx.FindRequestAsync("/"));
    }

    [RequiresToolsFact("nginx")]
    public async Task Check_PinMismatch_NoRequestSent()
    {
        // The headers are asked for only after the chain was validated and pinned: nothing is sent to a chain the pins refuse.
        var run = await CliRunner.RunAsync(Args("cloudflare", Policy(_cas.Intermediate("WR1").Pin, TestPki.BackupPin)));
        Assert.True(run.Exit == 1, run.ToString());
        Assert.Null(await _nginx.FindRequestAsync("/"));
    }

    [RequiresToolsFact("nginx")]
    public async Task Check_MapOlderThanTwelveMonths_WarnsNamingItsDate()
    {
        var time = new FakeTimeProvider(CertificateAuthorityMap.BuiltIn.Date.AddMonths(12).AddDays(1));
        var policy = Policy(_cas.Intermediate("R11").Pin, TestPki.BackupPin);
        var run = await CliRunner.RunAsync(time, ["check", policy, $"{Host}:{_nginx.Port("plain")}", "--resolve", $"{Host}:{_nginx.Port("plain")}:127.0.0.1", "--ca-file", _cas.RootsPem]);
        var date = CertificateAuthorityMap.BuiltIn.Date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains($"warning: The CA map is from {date}, more than 12 months ago (Cloudflare's CFSSL trust store, release 2026.5.1: 339 roots, 1263 intermediates); CA keys issued since then are 'not in the map'.", run.Error, StringComparison.Ordinal);
    }

    /// <summary>
    /// A TLS service that is not HTTP (a FIX engine's port) with a chain a CDN could have issued: it did not agree to speak
    /// HTTP in the handshake (no ALPN), so check sends it no request at all, not even the HEAD a CDN's recognition uses.
    /// </summary>
    [Fact]
    public async Task Check_ATlsServiceThatIsNotHttp_IsSentNoRequest()
    {
        using var leaf = _cas.Intermediate("R11").IssueServer([Host]);
        await using var server = new TlsEchoServer(leaf, [leaf, _cas.Intermediate("R11").Certificate]);
        var run = await CliRunner.RunAsync(["check", Policy(_cas.Intermediate("R11").Pin, TestPki.BackupPin), $"{Host}:{server.Port}", "--resolve", $"{Host}:{server.Port}:127.0.0.1", "--ca-file", _cas.RootsPem, "--ca-map", _cas.MapFile]);
        Assert.True(run.Exit == 5, run.ToString());
        Assert.Contains("Rotating pool", run.Out, StringComparison.Ordinal);
        Assert.Empty(await server.ReceivedAsync(0).WaitAsync(TimeSpan.FromSeconds(30)));
    }
}
