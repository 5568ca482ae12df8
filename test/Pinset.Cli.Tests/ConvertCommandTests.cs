using System.Xml.Linq;
using Microsoft.Extensions.Time.Testing;

namespace Pinset.Cli.Tests;

public sealed class ConvertCommandTests : IDisposable
{
    private static readonly SpkiPin PinA = SpkiPin.FromSubjectPublicKeyInfo("a"u8);
    private static readonly SpkiPin PinB = SpkiPin.FromSubjectPublicKeyInfo("b"u8);
    private readonly CliFixture _fx = new();

    public void Dispose() => _fx.Dispose();

    [Fact]
    public async Task Convert_JsonToAndroidAndBack_KeepsHostsPinsAndExpiry()
    {
        var policy = _fx.Policy($$"""{"hosts": ["api.exchange.com", "**.ws.exchange.com"], "pins": ["{{PinA}}", "{{PinB}}"], "expires": "2027-06-30T00:00:00Z"}""");
        var android = await CliRunner.RunAsync("convert", policy, "--to", "android-nsc");
        Assert.True(android.Exit == 0, android.ToString());
        var xml = XDocument.Parse(android.Out);
        Assert.Equal("2027-06-30", xml.Descendants("pin-set").Single().Attribute("expiration")!.Value);
        Assert.Equal([PinA.ToBase64(), PinB.ToBase64()], xml.Descendants("pin").Select(p => p.Value));
        Assert.Equal("true", xml.Descendants("domain").Single(d => d.Value == "ws.exchange.com").Attribute("includeSubdomains")!.Value);

        var xmlFile = _fx.File("network_security_config.xml");
        File.WriteAllText(xmlFile, android.Out);
        var back = await CliRunner.RunAsync("convert", xmlFile, "--to", "json");
        Assert.True(back.Exit == 0, back.ToString());
        var roundTrip = PinningPolicy.Parse(back.Out).Policies.Single();
        Assert.Equal(["api.exchange.com", "**.ws.exchange.com"], roundTrip.Hosts.Select(h => h.ToString()));
        Assert.Equal([PinA, PinB], roundTrip.Pins);
        Assert.Equal(new DateTimeOffset(2027, 6, 30, 0, 0, 0, TimeSpan.Zero), roundTrip.Expires);
    }

    [Fact]
    public async Task Convert_OneLabelWildcardToAndroid_WarnsOfWidening()
    {
        var policy = _fx.Policy($$"""{"hosts": ["*.exchange.com"], "pins": ["{{PinA}}", "{{PinB}}"], "mode": "report-only", "certificates": ["{{new string('A', 64)}}"]}""");
        var run = await CliRunner.RunAsync("convert", policy, "--to", "android-nsc");
        Assert.Equal(0, run.Exit);
        Assert.Contains("Android has no one-label wildcard", run.Error, StringComparison.Ordinal);
        Assert.Contains("Android has no report-only mode", run.Error, StringComparison.Ordinal);
        Assert.Contains("Android cannot express certificate pins", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Convert_EveryFormat_CarriesThePins()
    {
        var policy = _fx.Policy($$"""{"hosts": ["api.exchange.com"], "pins": ["{{PinA}}", "{{PinB}}"], "reportUris": ["https://r.exchange.com/"]}""");
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var curl = await CliRunner.RunAsync(time, "convert", policy, "--to", "curl");
        Assert.Equal($"{PinA.ToCurlString()};{PinB.ToCurlString()}\n", curl.Out);
        var hpkp = await CliRunner.RunAsync(time, "convert", policy, "--to", "hpkp");
        Assert.Equal($"Public-Key-Pins: {PinA.ToHpkpString()}; {PinB.ToHpkpString()}; max-age=5184000; report-uri=\"https://r.exchange.com/\"\n", hpkp.Out);
        var okhttp = await CliRunner.RunAsync(time, "convert", policy, "--to", "okhttp");
        Assert.Contains($".add(\"api.exchange.com\", \"{PinA}\", \"{PinB}\")", okhttp.Out, StringComparison.Ordinal);
        Assert.Contains("no expiry, report-only mode or report URIs", okhttp.Error, StringComparison.Ordinal);
        var trustKit = await CliRunner.RunAsync(time, "convert", policy, "--to", "trustkit");
        var plist = XElement.Parse(trustKit.Out);
        Assert.Contains(PinA.ToBase64(), plist.Descendants("string").Select(s => s.Value));
        Assert.Contains("TSKPinnedDomains", plist.Descendants("key").Select(k => k.Value));
    }

    [Fact]
    public async Task Convert_HpkpHeaderWithHost_ToJson()
    {
        var header = _fx.File("header.txt");
        File.WriteAllText(header, $"Public-Key-Pins-Report-Only: {PinA.ToHpkpString()}; {PinB.ToHpkpString()}; max-age=86400; includeSubDomains\n");
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var run = await CliRunner.RunAsync(time, "convert", header, "--to", "json", "--host", "Exchange.COM");
        Assert.True(run.Exit == 0, run.ToString());
        var policy = PinningPolicy.Parse(run.Out).Policies.Single();
        Assert.Equal("**.exchange.com", policy.Hosts.Single().ToString());
        Assert.Equal(PinningMode.ReportOnly, policy.Mode);
        Assert.Equal(new DateTimeOffset(2026, 1, 2, 0, 0, 0, TimeSpan.Zero), policy.Expires);

        var noHost = await CliRunner.RunAsync("convert", header, "--to", "json");
        Assert.Equal(2, noHost.Exit);
        Assert.Contains("give --host", noHost.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("garbage.txt", "nothing useful here", "is not a JSON policy")]
    [InlineData("bad.json", """{"pinning": {"policies": [{"hosts": ["**.com"], "pins": ["sha256/AAAA"]}]}}""", "public suffix 'com'")]
    [InlineData("bad.xml", "<network-security-config><domain-config>", "is not well-formed XML")]
    [InlineData("empty.json", "", "is not a JSON policy")]
    public async Task Convert_BadInput_Exit2NamingIt(string name, string content, string expected)
    {
        var path = _fx.File(name);
        File.WriteAllText(path, content);
        var run = await CliRunner.RunAsync("convert", path, "--to", "json");
        Assert.Equal(2, run.Exit);
        Assert.Contains(expected, run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Convert_AndroidWithWhatPinsetCannotExpress_PrintsTheReadersWarnings()
    {
        var xml = _fx.File("network_security_config.xml");
        File.WriteAllText(xml, $"""
            <network-security-config>
              <domain-config>
                <domain includeSubdomains="true">exchange.com</domain>
                <pin-set><pin digest="SHA-256">{PinA.ToBase64()}</pin><pin digest="SHA-256">{PinB.ToBase64()}</pin></pin-set>
                <trust-anchors><certificates src="user" overridePins="true"/></trust-anchors>
              </domain-config>
            </network-security-config>
            """);
        var run = await CliRunner.RunAsync("convert", xml, "--to", "json");
        Assert.True(run.Exit == 0, run.ToString());
        Assert.Equal("**.exchange.com", PinningPolicy.Parse(run.Out).Policies.Single().Hosts.Single().ToString());
        Assert.Contains("line 5: PINS BYPASSED: <certificates src=\"user\" overridePins=\"true\">", run.Error, StringComparison.Ordinal);
        Assert.Contains("<trust-anchors> of the <domain-config> for 'exchange.com' and its subdomains", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Convert_EnforcedSinglePinFromAndroid_ConvertsWithWarning()
    {
        var xml = _fx.File("nsc.xml");
        File.WriteAllText(xml, $"""<network-security-config><domain-config><domain>api.exchange.com</domain><pin-set><pin digest="SHA-256">{PinA.ToBase64()}</pin></pin-set></domain-config></network-security-config>""");
        var run = await CliRunner.RunAsync("convert", xml, "--to", "json");
        Assert.Equal(0, run.Exit);
        Assert.Single(run.Error.Split('\n'), line => line.Contains("Pinset refuses to load this policy until a backup pin is added: pinning.policies[0]", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Convert_TrustKitPublicSuffixWithSubdomains_ValidTrustKitButRefusedAsPinsetRefusesToLoadIt()
    {
        var plist = _fx.File("Info.plist");
        File.WriteAllText(plist, $"""
            <plist version="1.0"><dict><key>TSKConfiguration</key><dict><key>TSKPinnedDomains</key><dict>
              <key>com</key><dict>
                <key>TSKPublicKeyHashes</key><array><string>{PinA.ToBase64()}</string><string>{PinB.ToBase64()}</string></array>
                <key>TSKIncludeSubdomains</key><true/>
              </dict>
            </dict></dict></dict></plist>
            """);
        var run = await CliRunner.RunAsync("convert", plist, "--to", "android-nsc");
        Assert.True(run.Exit == 2, run.ToString());
        Assert.Empty(run.Out);
        Assert.Contains("'**.com'", run.Error, StringComparison.Ordinal);
        Assert.Contains("public suffix", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Convert_TrustKitInfoPlist_ToJsonWithEveryPinAndWarning()
    {
        var plist = _fx.File("Info.plist");
        File.WriteAllText(plist, $"""
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
            <plist version="1.0"><dict><key>TSKConfiguration</key><dict><key>TSKPinnedDomains</key><dict>
              <key>api.exchange.com</key><dict>
                <key>TSKPublicKeyHashes</key><array><string>{PinA.ToBase64()}</string><string>{PinB.ToBase64()}</string></array>
                <key>TSKIncludeSubdomains</key><true/>
                <key>TSKEnforcePinning</key><false/>
              </dict>
            </dict></dict></dict></plist>
            """);
        var run = await CliRunner.RunAsync("convert", plist, "--to", "json");
        Assert.True(run.Exit == 0, run.ToString());
        var policy = PinningPolicy.Parse(run.Out).Policies.Single();
        Assert.Equal("**.api.exchange.com", policy.Hosts.Single().ToString());
        Assert.Equal([PinA, PinB], policy.Pins);
        Assert.Equal(PinningMode.ReportOnly, policy.Mode);
        Assert.Contains("TSKEnforcePinning is false", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Convert_HpkpFileWithAMalformedSecondLine_RefusedNotReadFromTheFirstLineAlone()
    {
        var header = _fx.File("headers.txt");
        File.WriteAllText(header, $"Public-Key-Pins: {PinA.ToHpkpString()}; {PinB.ToHpkpString()}; max-age=86400\nPublic-Key-Pins: pin-sha256={PinA.ToBase64()}; max-age=60\n");
        var run = await CliRunner.RunAsync("convert", header, "--to", "json", "--host", "api.exchange.com");
        Assert.Equal(2, run.Exit);
        Assert.Contains("HPKP header on line 2 has the pin", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Convert_ToCurl_WarnsOfEverythingCurlCannotHold()
    {
        var policy = _fx.Policy($$"""{"hosts": ["api.exchange.com"], "pins": ["{{PinA}}", "{{PinB}}"], "expires": "2027-06-30", "mode": "report-only", "bannedPins": ["{{SpkiPin.FromSubjectPublicKeyInfo("c"u8)}}"]}""");
        var run = await CliRunner.RunAsync("convert", policy, "--to", "curl");
        Assert.Equal(0, run.Exit);
        Assert.Equal($"{PinA.ToCurlString()};{PinB.ToCurlString()}\n", run.Out);
        string[] expected =
        [
            $"compares only the server's own (leaf) key, so a CA key's pin never matches under curl; these pins are not known to be a leaf's key: {PinA}, {PinB}.",
            "use them only with 'api.exchange.com'",
            "curl has no expiry",
            "curl has no report-only mode; the pins are enforced",
            "curl has no banned pins; 1 are left out",
        ];
        Assert.All(expected, text => Assert.Contains(text, run.Error, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Convert_ToJson_WritesPinsAndHostsAsPlainText()
    {
        // This pin has a '+', which a strict JSON encoder writes as \u002B: a pin copied from 'pinset pin' could not be found in the file.
        var plus = SpkiPin.FromSubjectPublicKeyInfo("plus11"u8);
        Assert.Contains('+', plus.ToString());
        var policy = _fx.Policy($$"""{"hosts": ["api.exchange.com"], "pins": ["{{plus}}", "{{PinB}}"], "reportUris": ["https://r.exchange.com/?a=1&b='2'"]}""");
        var run = await CliRunner.RunAsync("convert", policy, "--to", "json");
        Assert.True(run.Exit == 0, run.ToString());
        Assert.Contains($"\"{plus}\"", run.Out, StringComparison.Ordinal);
        Assert.Contains("\"https://r.exchange.com/?a=1&b='2'\"", run.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u00", run.Out, StringComparison.Ordinal);
        Assert.Equal(plus.ToString(), PinningConfigurationJson.Parse(run.Out).Policies[0].Pins[0]);

        var document = await CliRunner.RunAsync("convert", policy, "--to", "json", "--json");
        Assert.Contains(plus.ToString(), document.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u00", document.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Convert_SinglePinToTrustKit_WarnsThatTrustKitRequiresTwo()
    {
        var policy = _fx.Policy($$"""{"hosts": ["api.exchange.com"], "pins": ["{{PinA}}"], "mode": "report-only"}""");
        var run = await CliRunner.RunAsync("convert", policy, "--to", "trustkit");
        Assert.True(run.Exit == 0, run.ToString());
        Assert.Contains("TrustKit refuses a domain with fewer than two pins, and this policy has 1", run.Error, StringComparison.Ordinal);
    }
}
