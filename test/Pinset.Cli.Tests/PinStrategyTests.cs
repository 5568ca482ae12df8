using System.Text.Json;

namespace Pinset.Cli.Tests;

/// <summary><c>pin --strategy</c> against nginx answering as Cloudflare, with stand-ins of the public CAs under their real names.</summary>
public sealed class PinStrategyTests : IAsyncLifetime, IDisposable
{
    private const string Host = "api.exchange.example";
    private readonly PublicCaStandIns _cas = new();
    private readonly TempDirectory _dir = new();
    private NginxServer _nginx = null!;

    public async Task InitializeAsync() => _nginx = await NginxServer.StartAsync(
    [
        _cas.Site("cloudflare", "R11", Host, ("server", "cloudflare"), ("cf-ray", "8f1e2d3c4b5a6978-FRA")),
        _cas.Site("plain", "WE1", Host),
    ]);

    public async Task DisposeAsync() => await _nginx.DisposeAsync();

    public void Dispose()
    {
        _cas.Dispose();
        _dir.Dispose();
    }

    private string[] Pin(string site, params string[] more) =>
        ["pin", $"{Host}:{_nginx.Port(site)}", "--resolve", $"{Host}:{_nginx.Port(site)}:127.0.0.1", "--ca-file", _cas.RootsPem, "--ca-map", _cas.MapFile, .. more];

    private string Root(string name) => _cas.Root(name).Pin.ToString();

    [RequiresToolsFact("nginx")]
    public async Task Pin_StrategyCdn_RootsOfEveryOperatorWithOrigins_AndTheirPolicyPassesCheck()
    {
        var run = await CliRunner.RunAsync(Pin("cloudflare", "--strategy", "cdn"));
        Assert.True(run.Exit == 0, run.ToString());
        Assert.StartsWith($"// pinset pin --strategy cdn for '{Host}': the roots of every CA operator Cloudflare may issue from (recognised by the response header 'server: cloudflare').\n"
            + "// Trade-off: root pins trust every intermediate under those roots: Cloudflare's renewals and moves between these operators pass, and so would a certificate misissued under any of them.\n", run.Out, StringComparison.Ordinal);
        Assert.Contains($"          \"{Root("ISRG Root X1")}\", // Let's Encrypt root 'ISRG Root X1'\n", run.Out, StringComparison.Ordinal);
        Assert.Contains($"          \"{Root("GTS Root R4")}\", // Google Trust Services root 'GTS Root R4'\n", run.Out, StringComparison.Ordinal);
        Assert.Contains($"          \"{Root("Sectigo Public Server Authentication Root E46")}\"  // Sectigo root 'Sectigo Public Server Authentication Root E46'\n", run.Out, StringComparison.Ordinal);
        Assert.StartsWith("warning: no backup key:", run.Error, StringComparison.Ordinal);

        var policy = _dir.File("cdn.json");
        File.WriteAllText(policy, run.Out);
        var check = await CliRunner.RunAsync(["check", policy, $"{Host}:{_nginx.Port("cloudflare")}", "--resolve", $"{Host}:{_nginx.Port("cloudflare")}:127.0.0.1", "--ca-file", _cas.RootsPem, "--ca-map", _cas.MapFile]);
        Assert.True(check.Exit == 0, check.ToString());
    }

    [RequiresToolsFact("nginx")]
    public async Task Pin_StrategyCdnNamedByOption_WithoutHeaders()
    {
        var run = await CliRunner.RunAsync(Pin("plain", "--cdn", "CloudFlare", "--json"));
        Assert.True(run.Exit == 0, run.ToString());
        using var json = JsonDocument.Parse(run.Out);
        Assert.Equal("cdn", json.RootElement.GetProperty("strategy").GetString());
        Assert.Equal("--cdn", json.RootElement.GetProperty("cdn").GetProperty("recognisedBy").GetString());
        Assert.Equal(6, json.RootElement.GetProperty("pins").GetArrayLength());
    }

    [RequiresToolsFact("nginx")]
    public async Task Pin_StrategyCdn_NotRecognised_SaysHowToName()
    {
        var run = await CliRunner.RunAsync(Pin("plain", "--strategy", "cdn"));
        Assert.Equal(2, run.Exit);
        Assert.Contains("was not recognised as behind a CDN: no response header of Cloudflare and Amazon CloudFront, and no CDN-branded issuing CA; name the CDN with --cdn (cloudflare, cloudfront), or choose --strategy root.", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pin_UnknownCdn_UsageErrorListingTheKnownOnes()
    {
        var run = await CliRunner.RunAsync(["pin", $"{Host}:1", "--strategy", "cdn", "--cdn", "akamai"]);
        Assert.Equal(2, run.Exit);
        Assert.Equal("error: --cdn 'akamai' is not a CDN pinset knows; give one of 'cloudflare', 'cloudfront'.\n", run.Error);
    }

    [RequiresToolsFact("nginx")]
    public async Task Pin_StrategyRoot_TheChainsRootAndTheOperatorsOther()
    {
        var backup = _dir.File("backup.pub.pem");
        using var key = System.Security.Cryptography.ECDsa.Create();
        File.WriteAllText(backup, key.ExportSubjectPublicKeyInfoPem());
        var backupPin = SpkiPin.FromSubjectPublicKeyInfo(key.ExportSubjectPublicKeyInfo());
        var run = await CliRunner.RunAsync(Pin("cloudflare", backup, "--strategy", "root"));
        Assert.True(run.Exit == 0, run.ToString());
        Assert.Contains($"\"{Root("ISRG Root X1")}\", // Let's Encrypt root 'ISRG Root X1'\n", run.Out, StringComparison.Ordinal);
        Assert.Contains($"\"{Root("ISRG Root X2")}\", // Let's Encrypt root 'ISRG Root X2', the operator's other root\n", run.Out, StringComparison.Ordinal);
        Assert.Contains($"\"{backupPin}\"  // your backup key ({backup}), not deployed\n", run.Out, StringComparison.Ordinal);
        Assert.Contains("// Trade-off: root pins trust every intermediate under those roots: renewals from any of them pass, and a move to another CA operator breaks them.", run.Out, StringComparison.Ordinal);
        Assert.Equal(string.Empty, run.Error);
    }

    [RequiresToolsFact("nginx")]
    public async Task Pin_StrategyIssuer_NamesThePool()
    {
        var run = await CliRunner.RunAsync(Pin("cloudflare", "--strategy", "issuer"));
        Assert.True(run.Exit == 0, run.ToString());
        Assert.Contains($"\"{_cas.Intermediate("R11").Pin}\"  // Let's Encrypt intermediate 'R11'\n", run.Out, StringComparison.Ordinal);
        Assert.Contains("it breaks when the next certificate comes from another intermediate (Let's Encrypt issues from 10 intermediates at random).", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Choose_CdnCloudFrontWithTheBuiltInMap_AmazonsRootsAndStarfield()
    {
        var probe = new ProbeResult(new ServerTarget(Host, 443), Host, [], [], System.Net.Security.SslPolicyErrors.None, null, null, null);
        var choice = PinStrategy.Choose(PinStrategy.Cdn, probe, CdnProfile.Find("cloudfront"), CertificateAuthorityMap.BuiltIn, new DateTimeOffset(2026, 12, 8, 0, 0, 0, TimeSpan.Zero));
        Assert.Equal(
            ["Amazon root 'Amazon Root CA 1'", "Amazon root 'Amazon Root CA 2'", "Amazon root 'Amazon Root CA 3'", "Amazon root 'Amazon Root CA 4'", "Amazon root 'Starfield Services Root Certificate Authority - G2'"],
            choice.Pins.Select(p => p.Origin));
    }

    [Theory]
    [InlineData("--format", "okhttp")]
    [InlineData("--insecure")]
    public async Task Pin_StrategyWithFormatOrInsecure_UsageError(params string[] option)
    {
        var run = await CliRunner.RunAsync(["pin", $"{Host}:1", "--strategy", "root", .. option]);
        Assert.Equal(2, run.Exit);
        Assert.Contains("--strategy prints a JSON policy with each pin's origin", run.Error, StringComparison.Ordinal);
    }
}
