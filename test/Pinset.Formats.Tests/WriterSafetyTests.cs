namespace Pinset.Formats.Tests;

/// <summary>
/// What an outside tester made the formats do, each now refused or said: a written file the target refuses or thins
/// out, a host written unpinned, a header whose report URI rewrites it, a single pin without a word, XML nested to
/// exhaust the readers.
/// </summary>
public sealed class WriterSafetyTests
{
    private static readonly PolicyFormatContext Context = new() { Now = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero) };
    private static readonly string P1 = Pin(1), P2 = Pin(2);
    private static readonly string F1 = string.Join(':', Enumerable.Repeat("AB", 32)), F2 = string.Join(':', Enumerable.Repeat("CD", 32));

    private static string Pin(int n) => "sha256/" + Convert.ToBase64String(Enumerable.Repeat((byte)n, 32).ToArray());

    private static PinningConfiguration Config(params HostPolicyConfiguration[] policies) => new() { Policies = policies };

    public static TheoryData<string> WithoutCertificatePins => ["curl", "hpkp", "okhttp", "trustkit", "android-nsc"];

    [Theory]
    [InlineData("android-nsc")]
    [InlineData("trustkit")]
    public void Write_ANameAndItsWildcard_OneDomainWithSubdomains_WhichTheTargetReadsBack(string name)
    {
        var format = PolicyFormats.Find(name)!;
        var configuration = Config(new HostPolicyConfiguration { Hosts = ["example.com", "*.example.com"], Pins = [P1, P2] });

        var written = format.Write(configuration, Context);
        var back = format.Read(written.Value, Context);

        Assert.Equal(["**.example.com"], back.Value.Policies.Single().Hosts);
        Assert.Contains(written.Warnings, w => w.Contains("'example.com' and the wildcard below it are written as one", StringComparison.Ordinal));
        Assert.NotNull(PinningPolicy.Create(back.Value).Find("api.example.com"));
    }

    [Theory]
    [InlineData("android-nsc")]
    [InlineData("trustkit")]
    public void Write_TwoPoliciesOnOneDomain_Refused_NeverAFileThatDropsOne(string name)
    {
        var configuration = Config(
            new HostPolicyConfiguration { Hosts = ["*.example.com"], Pins = [P1, P2] },
            new HostPolicyConfiguration { Hosts = ["example.com"], Pins = [Pin(3), Pin(4)] });

        var error = Assert.Throws<PinsetFormatException>(() => PolicyFormats.Find(name)!.Write(configuration, Context));

        Assert.Contains("pinning.policies[1] ('example.com') and pinning.policies[0] both pin 'example.com'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(WithoutCertificatePins))]
    public void Write_APolicyPinnedByCertificatesAlone_Refused_ItsHostsWouldBeUnpinned(string name)
    {
        var configuration = Config(new HostPolicyConfiguration { Hosts = ["api.example.com"], Certificates = [F1, F2] });
        PinningPolicy.Create(configuration);

        var error = Assert.Throws<PinsetFormatException>(() => PolicyFormats.Find(name)!.Write(configuration, Context));

        Assert.Contains("is pinned by certificates alone", error.Message, StringComparison.Ordinal);
        Assert.Contains("would not be pinned at all", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(WithoutCertificatePins))]
    public void Write_OneKeyPinLeftOnceCertificatesAreLeftOut_WarnsOfTheMissingBackup(string name)
    {
        var configuration = Config(new HostPolicyConfiguration { Hosts = ["api.example.com"], Pins = [P1], Certificates = [F1] });
        PinningPolicy.Create(configuration);

        var written = PolicyFormats.Find(name)!.Write(configuration, Context with { LeafPins = new HashSet<SpkiPin> { SpkiPin.Parse(P1) } });

        Assert.Contains(written.Warnings, w => w.Contains("keeps one pin and no backup", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("curl")]
    [InlineData("hpkp")]
    [InlineData("okhttp")]
    [InlineData("android-nsc")]
    public void Write_AnEnforcedPolicyWithOnePin_WarnsAsPinsetRefusesToLoadIt(string name)
    {
        var configuration = Config(new HostPolicyConfiguration { Hosts = ["api.example.com"], Pins = [P1] });

        var written = PolicyFormats.Find(name)!.Write(configuration, Context with { LeafPins = new HashSet<SpkiPin> { SpkiPin.Parse(P1) } });

        Assert.Contains(written.Warnings, w => w.StartsWith("Pinset refuses to load this policy until a backup pin is added", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("https://r.example/a\"; pin-sha256=\"CQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQk=\"; x=\"")]
    [InlineData("https://r.example/a\";includeSubDomains;x=\"")]
    [InlineData("https://r.example/a\nPublic-Key-Pins: pin-sha256=\"CQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQk=\"")]
    public void WriteHpkp_AReportUriThatWouldEndItsQuotes_Refused_NeverAHeaderWithMorePinsOrHosts(string reportUri)
    {
        var configuration = Config(new HostPolicyConfiguration { Hosts = ["api.example.com"], Pins = [P1, P2], Expires = "2026-02-01", ReportUris = [reportUri] });
        PinningPolicy.Create(configuration);

        var error = Assert.Throws<PinsetFormatException>(() => PolicyFormats.Hpkp.Write(configuration, Context));

        Assert.Contains("would end HPKP's quoted report-uri and change the header", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void ReadTrustKit_ArraysNestedTensOfThousandsDeep_RefusedBeforeAnythingIsBuilt()
    {
        const int depth = 64_000;
        var plist = "<plist><dict><key>TSKConfiguration</key><dict><key>TSKFoo</key>" + string.Concat(Enumerable.Repeat("<array>", depth))
            + string.Concat(Enumerable.Repeat("</array>", depth)) + "</dict></dict></plist>";

        var error = Assert.Throws<PinningConfigurationException>(() => PolicyFormats.TrustKit.Read(plist, Context with { SourceName = "Info.plist" }));

        Assert.Contains("'Info.plist' nests elements deeper than 128 levels (line 1); no TrustKit settings comes near that", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadAndroid_DomainConfigsNestedTensOfThousandsDeep_RefusedBeforeAnythingIsBuilt()
    {
        const int depth = 32_000;
        var xml = "<?xml version=\"1.0\"?><network-security-config>" + string.Concat(Enumerable.Range(0, depth).Select(i => $"<domain-config><domain>d{i}.example.com</domain>"))
            + string.Concat(Enumerable.Repeat("</domain-config>", depth)) + "</network-security-config>";

        var error = Assert.Throws<PinningConfigurationException>(() => PolicyFormats.AndroidNsc.Read(xml, Context with { SourceName = "nsc.xml" }));

        Assert.Contains("'nsc.xml' nests elements deeper than 128 levels", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadTrustKit_AnExpirationDateThatHasPassed_Warns_ThoseHostsAreNotPinned()
    {
        var plist = $"<plist><dict><key>TSKConfiguration</key><dict><key>TSKPinnedDomains</key><dict><key>example.com</key><dict><key>TSKExpirationDate</key><string>2020-01-01</string><key>TSKPublicKeyHashes</key><array><string>{SpkiPin.Parse(P1).ToBase64()}</string><string>{SpkiPin.Parse(P2).ToBase64()}</string></array></dict></dict></dict></dict></plist>";

        var read = PolicyFormats.TrustKit.Read(plist, Context);

        Assert.Contains(read.Warnings, w => w.Contains("expired on 2020-01-01: TrustKit does not pin its hosts after that date", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("trustkit", "TrustKit")]
    [InlineData("android-nsc", "Android")]
    public void Write_AnExpiredPolicy_Warns_TheTargetWouldPinNothing(string name, string target)
    {
        var configuration = Config(new HostPolicyConfiguration { Hosts = ["api.example.com"], Pins = [P1, P2], Expires = "2020-01-01" });

        var written = PolicyFormats.Find(name)!.Write(configuration, Context);

        Assert.Contains(written.Warnings, w => w.Contains($"expired on 2020-01-01: {target} does not pin its hosts after that date", StringComparison.Ordinal));
    }

    [Fact]
    public void WriteHpkp_AnExpiryPastSixtyDays_WarnsThatBrowsersCapIt()
    {
        var configuration = Config(new HostPolicyConfiguration { Hosts = ["api.example.com"], Pins = [P1, P2], Expires = "2031-01-01" });

        var written = PolicyFormats.Hpkp.Write(configuration, Context);

        Assert.Contains(written.Warnings, w => w.Contains("browsers keep pins for at most 60 days", StringComparison.Ordinal));
    }
}
