namespace Pinset.Formats.Tests;

/// <summary>
/// HPKP headers read as browsers read them. The cases restate Chromium's former parser tests
/// (net/http/http_security_headers_unittest.cc, TestBogusPinsHeaders and TestValidPKPHeaders, BSD-licensed), with
/// Pinset's two pins standing in for the test's good and backup pins.
/// </summary>
public sealed class HpkpHeaderTests
{
    private const string Host = "api.exchange.test";
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly string Good = SpkiPin.FromSubjectPublicKeyInfo("good"u8).ToBase64();
    private static readonly string Backup = SpkiPin.FromSubjectPublicKeyInfo("backup"u8).ToBase64();
    private static readonly string GoodPin = $"pin-sha256=\"{Good}\"";
    private static readonly string BackupPin = $"pin-sha256=\"{Backup}\"";

    public static TheoryData<string> Bogus => new()
    {
        "    ",
        "abc",
        "max-age",
        "  max-age  ",
        "max-age=",
        "   max-age  =     ",
        "   max-age  =     xy",
        "   max-age  =     3488a923",
        "max-age=3488a923  ",
        $"max-ag=3488923pins={GoodPin},{BackupPin}",
        $"max-age=3488923;pins={GoodPin},{BackupPin}report-uri=\"http://foo.com\"",
        $"max-aged=3488923{BackupPin}",
        $"max-aged=3488923; {BackupPin}",
        $"max-aged=3488923; {GoodPin};{GoodPin}",
        "max-age==3488923",
        "amax-age=3488923",
        "max-age=-3488923",
        "max-age=3488923;",
        "max-age=3488923     e",
        "max-age=3488923     includesubdomain",
        "max-age=3488923     report-uri=\"http://foo.com\"",
        "max-age=34889.23",
        $"max-age=243; pin-sha256={Good};{BackupPin}",
        $"max-age=243; {GoodPin};{BackupPin};report-uri=;",
        $"max-age=243; {GoodPin};{BackupPin};report-uri=http://foo.com;",
        $"max-age=243; {GoodPin};{BackupPin};report-uri=''",
        $"max-age=999; {BackupPin}; {GoodPin}; report-uri=\"http://foo;bar'",
        $"max-age=999; {BackupPin}; {GoodPin}; report-uri=\"foo;bar'",
        $"max-age=1; max-age=2; {GoodPin}; {BackupPin}",
        $"max-age=1; {GoodPin}; pin-sha256=\"AAAA\"",
    };

    [Theory]
    [MemberData(nameof(Bogus))]
    public void Read_HeaderABrowserRefuses_Refused(string header) =>
        Assert.Throws<PinningConfigurationException>(() => HpkpHeader.Read(header, Host, Now, new List<string>()));

    public static TheoryData<string, long?, bool, string?> Valid => new()
    {
        { $"max-age=243; {GoodPin};{BackupPin}", 243, false, null },
        { $"max-age=243; {GoodPin};{BackupPin}; report-uri= \"http://example.test/foo\"", 243, false, "http://example.test/foo" },
        { $"   {GoodPin}; {BackupPin}  ; Max-agE    = 567; repOrT-URi = \"http://example.test/foo\"", 567, false, "http://example.test/foo" },
        { $"includeSubDOMAINS;{GoodPin};{BackupPin}  ; mAx-aGe    = 890      ", 890, true, null },
        { $"{GoodPin};{BackupPin}; max-age=123;IGNORED;", 123, false, null },
        { $"max-age=394082;{BackupPin};{GoodPin};  ", 394082, false, null },
        { $"max-age=39408299  ;{BackupPin};{GoodPin};  ", HpkpHeader.MaxAgeCapSeconds, false, null },
        { $"max-age=39408038  ;    cybers=39408038  ;  includeSubdomains; {GoodPin};{BackupPin};   ", HpkpHeader.MaxAgeCapSeconds, true, null },
        { $"  max-age=0  ;  {GoodPin};{BackupPin}", 0, false, null },
        { $"  max-age=999999999999999999999999999999999999999999999  ;  {BackupPin};{GoodPin};   report-uri=\"http://example.test/foo\"", HpkpHeader.MaxAgeCapSeconds, false, "http://example.test/foo" },
        { $"max-age=999; {BackupPin}; {GoodPin}; report-uri=\"http://foo.com/?;bar\"", 999, false, "http://foo.com/?;bar" },
        { $"max-age='999'; {BackupPin}; {GoodPin}", 999, false, null },
        { $"Public-Key-Pins: max-age=60; {GoodPin}; {BackupPin}", 60, false, null },
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public void Read_HeaderABrowserAccepts_ReadAsTheBrowserReadsIt(string header, long? maxAge, bool subdomains, string? reportUri)
    {
        var policy = Assert.Single(HpkpHeader.Read(header, Host, Now, new List<string>()).Policies);
        Assert.Equal(subdomains ? $"**.{Host}" : Host, Assert.Single(policy.Hosts));
        Assert.Equal([$"sha256/{Good}", $"sha256/{Backup}"], policy.Pins.Order());
        Assert.Equal(Now.AddSeconds(maxAge!.Value).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture), policy.Expires);
        Assert.Equal(reportUri is null ? [] : [reportUri], policy.ReportUris);
        Assert.Null(policy.Mode);
    }

    [Fact]
    public void Read_ReportOnlyWithoutMaxAge_ReportOnlyPolicyWithoutExpiry()
    {
        var policy = Assert.Single(HpkpHeader.Read($"Public-Key-Pins-Report-Only: {BackupPin}; {GoodPin}; report-uri='http://foo.com'", Host, Now, new List<string>()).Policies);
        Assert.Equal("report-only", policy.Mode);
        Assert.Null(policy.Expires);
        Assert.Equal(["http://foo.com"], policy.ReportUris);
    }

    [Fact]
    public void Read_UnknownDirectivesIncludingPinSha1_IgnoredWithAWarningNamingThem()
    {
        var warnings = new List<string>();
        var policy = Assert.Single(HpkpHeader.Read($"max-age=60; {GoodPin}; {BackupPin}; pin-sha1=\"AAAAAAAAAAAAAAAAAAAAAAAAAAA=\"; colour=red", Host, Now, warnings).Policies);
        Assert.Equal(2, policy.Pins.Count);
        Assert.Contains(warnings, w => w.Contains("the directive 'pin-sha1' is not one Pinset or RFC 7469 knows; it is ignored", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains("the directive 'colour'", StringComparison.Ordinal));
    }

    [Fact]
    public void Read_HugeMaxAge_CappedWithAWarning()
    {
        var warnings = new List<string>();
        HpkpHeader.Read($"max-age=31536000; {GoodPin}; {BackupPin}", Host, Now, warnings);
        Assert.Contains(warnings, w => w.Contains("max-age=31536000 is more than a browser kept pins for; it is capped at 5184000 seconds (60 days)", StringComparison.Ordinal));
    }

    [Fact]
    public void Read_MaxAgeZero_LoudWarningThatTheSiteUnpinsItself()
    {
        var warnings = new List<string>();
        HpkpHeader.Read($"max-age=0; {GoodPin}; {BackupPin}", Host, Now, warnings);
        Assert.Contains(warnings, w => w.Contains("max-age=0 tells a browser to FORGET this host's pins", StringComparison.Ordinal));
    }

    [Fact]
    public void Read_SemicolonInsideQuotes_IsData()
    {
        var policy = Assert.Single(HpkpHeader.Read($"max-age=60; {GoodPin}; {BackupPin}; report-uri=\"https://r.example/a;b\"", Host, Now, new List<string>()).Policies);
        Assert.Equal(["https://r.example/a;b"], policy.ReportUris);
    }

    [Fact]
    public void Read_SecondLineMalformed_WholeFileRefusedNotTheFirstLineAlone()
    {
        var error = Assert.Throws<PinningConfigurationException>(() => HpkpHeader.Read(
            $"Public-Key-Pins: max-age=60; {GoodPin}; {BackupPin}\nPublic-Key-Pins-Report-Only: {GoodPin}; pin-sha256={Backup}", Host, Now, new List<string>()));
        Assert.Contains("HPKP header on line 2 has the pin", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_EnforcedAndReportOnlyForOneHost_RefusedWithTheReason()
    {
        var error = Assert.Throws<PinningConfigurationException>(() => HpkpHeader.Read(
            $"Public-Key-Pins: max-age=60; {GoodPin}; {BackupPin}\n\nPublic-Key-Pins-Report-Only: {GoodPin}; {BackupPin}", Host, Now, new List<string>()));
        Assert.Contains("has both a Public-Key-Pins and a Public-Key-Pins-Report-Only header", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_OtherHeader_RefusedNamingIt()
    {
        var error = Assert.Throws<PinningConfigurationException>(() => HpkpHeader.Read("Strict-Transport-Security: max-age=60", Host, Now, new List<string>()));
        Assert.Contains("is a 'Strict-Transport-Security' header; expected Public-Key-Pins or Public-Key-Pins-Report-Only", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_HostsBannedPinsAndMissingExpiry_EachAWarning()
    {
        var configuration = new PinningConfiguration
        {
            Policies =
            [
                new HostPolicyConfiguration
                {
                    Hosts = ["api.exchange.test", "*.ws.exchange.test"],
                    Pins = [$"sha256/{Good}", $"sha256/{Backup}"],
                    BannedPins = [SpkiPin.FromSubjectPublicKeyInfo("stolen"u8).ToString()],
                },
            ],
        };
        var warnings = new List<string>();
        var line = Assert.Single(HpkpHeader.Write(configuration, Now, warnings));
        Assert.StartsWith("Public-Key-Pins: ", line, StringComparison.Ordinal);
        Assert.Contains(warnings, w => w.Contains("serve line 1 from 'api.exchange.test', 'ws.exchange.test'", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains("HPKP has no banned pins; 1 are left out", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains("the policy has no expiry", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains("includeSubDomains covers every name below the host", StringComparison.Ordinal));
    }
}
