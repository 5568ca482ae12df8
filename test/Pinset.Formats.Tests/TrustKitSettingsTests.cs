namespace Pinset.Formats.Tests;

/// <summary>TrustKit's settings read back, so every format Pinset writes can also be read, with nothing dropped silently.</summary>
public sealed class TrustKitSettingsTests
{
    private static readonly string A = SpkiPin.FromSubjectPublicKeyInfo("a"u8).ToBase64();
    private static readonly string B = SpkiPin.FromSubjectPublicKeyInfo("b"u8).ToBase64();

    /// <summary>TrustKit's own getting-started configuration (its README), as the Info.plist of an app holds it.</summary>
    private static string InfoPlist(string domainSettings, string configurationSettings = "") => $$"""
        <?xml version="1.0" encoding="UTF-8"?>
        <!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
        <plist version="1.0">
        <dict>
          <key>CFBundleName</key>
          <string>Exchange</string>
          <key>TSKConfiguration</key>
          <dict>
            <key>TSKSwizzleNetworkDelegates</key>
            <false/>{{configurationSettings}}
            <key>TSKPinnedDomains</key>
            <dict>
              <key>yahoo.com</key>
              <dict>{{domainSettings}}
              </dict>
            </dict>
          </dict>
        </dict>
        </plist>
        """;

    private static string Hashes(params string[] hashes) => $"<key>TSKPublicKeyHashes</key><array>{string.Concat(hashes.Select(h => $"<string>{h}</string>"))}</array>";

    [Fact]
    public void Read_TrustKitsOwnExample_EveryPinHostModeExpiryAndReportUri()
    {
        var warnings = new List<string>();
        var plist = InfoPlist($"""
            <key>TSKExpirationDate</key><string>2027-12-01</string>
            {Hashes(A, B)}
            <key>TSKEnforcePinning</key><false/>
            <key>TSKIncludeSubdomains</key><true/>
            <key>TSKReportUris</key><array><string>https://reports.example.com/log</string></array>
            """);

        var policy = Assert.Single(TrustKitSettings.Read(plist, "Info.plist", warnings).Policies);

        Assert.Equal(["**.yahoo.com"], policy.Hosts);
        Assert.Equal([$"sha256/{A}", $"sha256/{B}"], policy.Pins);
        Assert.Equal("report-only", policy.Mode);
        Assert.Equal("2027-12-01", policy.Expires);
        Assert.Equal(["https://reports.example.com/log"], policy.ReportUris);
        Assert.Contains(warnings, w => w.Contains("TSKEnforcePinning is false, so TrustKit only reports mismatches; the converted policy is report-only", StringComparison.Ordinal));
        PinningPolicy.Create(new PinningConfiguration { Policies = [policy] });
    }

    [Fact]
    public void Read_DefaultsAreTrustKits_EnforcedAndExact()
    {
        var policy = Assert.Single(TrustKitSettings.Read(InfoPlist(Hashes(A, B)), "Info.plist", new List<string>()).Policies);
        Assert.Equal(["yahoo.com"], policy.Hosts);
        Assert.Null(policy.Mode);
    }

    [Fact]
    public void Read_IgnorePinningForUserDefinedTrustAnchors_LoudWarning()
    {
        var warnings = new List<string>();
        TrustKitSettings.Read(InfoPlist(Hashes(A, B), "<key>TSKIgnorePinningForUserDefinedTrustAnchors</key><true/>"), "Info.plist", warnings);
        Assert.Contains(warnings, w => w.Contains("so that app is NOT pinned against such an interceptor", StringComparison.Ordinal));
    }

    [Fact]
    public void Read_ExcludedSubdomain_NotConvertedAndWarned()
    {
        var warnings = new List<string>();
        var error = Assert.Throws<PinningConfigurationException>(() => TrustKitSettings.Read(InfoPlist("<key>TSKExcludeSubdomainFromParentPolicy</key><true/>"), "Info.plist", warnings));
        Assert.Contains(warnings, w => w.Contains("TSKExcludeSubdomainFromParentPolicy is true", StringComparison.Ordinal));
        Assert.Contains("pins no domain", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_OnePin_WarnsTrustKitWouldRefuseIt()
    {
        var warnings = new List<string>();
        TrustKitSettings.Read(InfoPlist(Hashes(A)), "Info.plist", warnings);
        Assert.Contains(warnings, w => w.Contains("has one pin; TrustKit refuses a domain with fewer than two", StringComparison.Ordinal));
    }

    [Fact]
    public void Read_UnknownAndLegacyKeys_EachAWarning()
    {
        var warnings = new List<string>();
        TrustKitSettings.Read(InfoPlist(Hashes(A, B) + "<key>TSKPublicKeyAlgorithms</key><array><string>TSKAlgorithmRsa2048</string></array><key>TSKColour</key><string>red</string>"), "Info.plist", warnings);
        Assert.Contains(warnings, w => w.Contains("TSKPublicKeyAlgorithms is a setting of old TrustKit versions", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains("'TSKColour' is not a domain setting Pinset reads", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("<key>TSKPublicKeyHashes</key><array><string>not base64</string></array>", "TSKPublicKeyHashes holds 'not base64'")]
    [InlineData("<key>TSKIncludeSubdomains</key><string>YES</string>", "'TSKIncludeSubdomains' is a <string>; expected <true/> or <false/>")]
    [InlineData("<key>TSKExpirationDate</key><string>soon</string>", "TSKExpirationDate is 'soon'")]
    [InlineData("", "has no TSKPublicKeyHashes")]
    public void Read_ValueTrustKitRefuses_RefusedWithTheLine(string settings, string expected)
    {
        var error = Assert.Throws<PinningConfigurationException>(() => TrustKitSettings.Read(InfoPlist(settings), "Info.plist", new List<string>()));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains("'Info.plist' line ", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<html/>", "is not a property list")]
    [InlineData("<plist><dict><key>CFBundleName</key><string>x</string></dict></plist>", "has no TSKConfiguration with TSKPinnedDomains")]
    [InlineData("<dict><key>TSKConfiguration</key><dict><key>TSKPinnedDomains</key><dict/></dict></dict>", "is valid TrustKit settings but pins no domain")]
    [InlineData("<plist><dict", "is not well-formed XML")]
    public void Read_NotTrustKitSettings_RefusedSayingWhy(string plist, string expected)
    {
        var error = Assert.Throws<PinningConfigurationException>(() => TrustKitSettings.Read(plist, "Info.plist", new List<string>()));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WriteThenRead_EveryPinHostAndSetting()
    {
        var configuration = new PinningConfiguration
        {
            Policies =
            [
                new HostPolicyConfiguration { Hosts = ["api.exchange.test", "**.feed.exchange.test"], Pins = [$"sha256/{A}", $"sha256/{B}"], Expires = "2027-06-30", Mode = "report-only", ReportUris = ["https://r.exchange.test/"] },
            ],
        };
        var read = TrustKitSettings.Read(TrustKitSettings.Write(configuration, new List<string>()), "settings", new List<string>());
        Assert.Equal(["api.exchange.test", "**.feed.exchange.test"], read.Policies.Select(p => Assert.Single(p.Hosts)));
        Assert.All(read.Policies, p =>
        {
            Assert.Equal(configuration.Policies[0].Pins, p.Pins);
            Assert.Equal("report-only", p.Mode);
            Assert.Equal("2027-06-30", p.Expires);
            Assert.Equal(["https://r.exchange.test/"], p.ReportUris);
        });
    }

    [Fact]
    public void Write_OnePinBannedAndCertificatePins_EachAWarning()
    {
        var warnings = new List<string>();
        TrustKitSettings.Write(new PinningConfiguration
        {
            Policies = [new HostPolicyConfiguration { Hosts = ["a.exchange.test"], Pins = [$"sha256/{A}"], Certificates = [new string('A', 64)], BannedPins = [$"sha256/{B}"], Mode = "report-only" }],
        }, warnings);
        Assert.Contains(warnings, w => w.Contains("TrustKit refuses a domain with fewer than two pins, and this policy has 1", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains("TrustKit has no certificate pins; 1 are left out", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains("TrustKit has no banned pins; 1 are left out", StringComparison.Ordinal));
    }

    [Fact]
    public void Read_AKeyGivenTwice_Refused_DomainsIgnoringCase()
    {
        var setting = Assert.Throws<PinningConfigurationException>(() => TrustKitSettings.Read(
            InfoPlist(Hashes(A, B) + "<key>TSKEnforcePinning</key><true/><key>TSKEnforcePinning</key><false/>"), "Info.plist", new List<string>()));
        Assert.Contains("the key 'TSKEnforcePinning' is given twice in one <dict>", setting.Message, StringComparison.Ordinal);

        var domain = InfoPlist(Hashes(A, B)).Replace("<key>yahoo.com</key>", $"<key>YAHOO.com</key><dict>{Hashes(A, B)}</dict><key>yahoo.com</key>", StringComparison.Ordinal);
        var twice = Assert.Throws<PinningConfigurationException>(() => TrustKitSettings.Read(domain, "Info.plist", new List<string>()));
        Assert.Contains("the key 'yahoo.com' is given twice in one <dict> (first as 'YAHOO.com'", twice.Message, StringComparison.Ordinal);
    }
}
