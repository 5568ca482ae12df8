namespace Pinset.Formats.Tests;

/// <summary>
/// The one interface of every format: found by name, recognised from content, and never silent: a configuration with
/// everything Pinset can express comes out of each writer either whole or with a warning, and Pinset's JSON carries it
/// all back exactly.
/// </summary>
public sealed class PolicyFormatsTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);

    private static readonly PinningConfiguration Everything = new()
    {
        Policies =
        [
            new HostPolicyConfiguration
            {
                Hosts = ["api.exchange.test", "*.ws.exchange.test"],
                Pins = [TestPki.BackupPin.ToString(), "sha256/47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="],
                Mode = PinningModeNames.ReportOnly,
                Expires = "2030-06-30T00:00:00Z",
                ReportUris = ["https://reports.exchange.test/pinning"],
            },
        ],
    };

    /// <summary>Every format but Pinset's own JSON, named here rather than taken from PolicyFormats, so a format dropped from the list fails.</summary>
    public static TheoryData<string> OtherEcosystems => ["curl", "hpkp", "okhttp", "trustkit", "android-nsc"];

    [Fact]
    public void All_NamedAsTheCliTakesThem_ReadableOnesMarked()
    {
        Assert.Equal(["json", "curl", "hpkp", "okhttp", "trustkit", "android-nsc"], PolicyFormats.All.Select(f => f.Name));
        Assert.Equal(["json", "hpkp", "trustkit", "android-nsc"], PolicyFormats.All.Where(f => f.CanRead).Select(f => f.Name));
        Assert.Same(PolicyFormats.TrustKit, PolicyFormats.Find("TrustKit"));
        Assert.Null(PolicyFormats.Find("yaml"));
    }

    [Theory]
    [MemberData(nameof(OtherEcosystems))]
    public void Write_WhatTheFormatCannotExpress_IsAWarningNeverADrop(string name)
    {
        var written = PolicyFormats.Find(name)!.Write(Everything, new PolicyFormatContext { Now = Now });
        Assert.NotEmpty(written.Warnings);
        Assert.All(written.Warnings, w => Assert.EndsWith(".", w.TrimEnd(), StringComparison.Ordinal));
        Assert.False(string.IsNullOrWhiteSpace(written.Value));
    }

    [Theory]
    [InlineData("hpkp")]
    [InlineData("trustkit")]
    [InlineData("android-nsc")]
    public void Read_WhatAFormatWrote_IsRecognisedAndReadBack(string name)
    {
        var format = PolicyFormats.Find(name)!;
        var simple = Everything with { Policies = [Everything.Policies[0] with { Hosts = ["api.exchange.test"], Mode = null, ReportUris = [] }] };
        var text = format.Write(simple, new PolicyFormatContext { Now = Now }).Value;

        Assert.Same(format, PolicyFormats.Recognize(text));
        var read = format.Read(text, new PolicyFormatContext { Now = Now, Host = "api.exchange.test", SourceName = "written" });
        Assert.Equal(simple.Policies[0].Pins.Order(StringComparer.Ordinal), read.Value.Policies.Single().Pins.Order(StringComparer.Ordinal));
        Assert.Equal(["api.exchange.test"], read.Value.Policies.Single().Hosts);
    }

    [Fact]
    public void Json_CarriesEverythingBackExactly_WithoutAWarning()
    {
        var written = PolicyFormats.Json.Write(Everything, new PolicyFormatContext());
        Assert.Empty(written.Warnings);
        var read = PolicyFormats.Json.Read(written.Value, new PolicyFormatContext());
        Assert.Empty(read.Warnings);
        Assert.Equal(PolicyFormats.Json.Write(read.Value, new PolicyFormatContext()).Value, written.Value);
    }

    [Fact]
    public void Read_WriteOnlyFormatOrHpkpWithoutHost_RefusedWithASentence()
    {
        var curl = Assert.Throws<NotSupportedException>(() => PolicyFormats.Curl.Read("sha256//RMdtgTGiHHsUtrXhnqGuppmOCwzqYFVzkMt6AnEKkQ=", new PolicyFormatContext()));
        Assert.Contains("cannot be read as a policy", curl.Message, StringComparison.Ordinal);
        var hpkp = Assert.Throws<PinsetFormatException>(() => PolicyFormats.Hpkp.Read("Public-Key-Pins: pin-sha256=\"x\"; max-age=10", new PolicyFormatContext { SourceName = "headers.txt" }));
        Assert.Equal("'headers.txt' holds HPKP headers, which name no host; give the host that served them.", hpkp.Message);
    }

    [Theory]
    [MemberData(nameof(OtherEcosystems))]
    public void Write_RequirePinnedHosts_IsAWarning(string name)
    {
        var simple = Everything with { Policies = [Everything.Policies[0] with { Hosts = ["api.exchange.test"], Mode = null, ReportUris = [], Expires = null }], RequirePinnedHosts = true };
        var written = PolicyFormats.Find(name)!.Write(simple, new PolicyFormatContext { Now = Now, LeafPins = simple.Policies[0].Pins.Select(SpkiPin.Parse).ToHashSet() });
        Assert.Contains(written.Warnings, w => w.StartsWith("'requirePinnedHosts' is dropped", StringComparison.Ordinal));
    }

    [Fact]
    public void Recognize_TextStartingWithAByteOrderMark()
    {
        Assert.Same(PolicyFormats.Json, PolicyFormats.Recognize("\uFEFF{\"pinning\": {}}"));
        Assert.Same(PolicyFormats.AndroidNsc, PolicyFormats.Recognize("\uFEFF<?xml version=\"1.0\"?>\n<network-security-config/>"));
    }

    /// <summary>Every readable format, each with a text it reads (a simple policy written by itself).</summary>
    public static TheoryData<string> Readable => ["json", "hpkp", "trustkit", "android-nsc"];

    private static string Written(IPolicyFormat format, PinningConfiguration configuration) =>
        format.Write(configuration, new PolicyFormatContext { Now = Now }).Value;

    private static PinningConfiguration Simple(params string[] pins) =>
        new() { Policies = [new HostPolicyConfiguration { Hosts = ["api.exchange.test"], Pins = pins }] };

    private static readonly string[] TwoPins = [TestPki.BackupPin.ToString(), "sha256/47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="];

    [Theory]
    [MemberData(nameof(Readable))]
    public void Read_TextStartingWithAByteOrderMark_ReadAsWithout(string name)
    {
        var format = PolicyFormats.Find(name)!;
        var text = Written(format, Simple(TwoPins));
        var context = new PolicyFormatContext { Now = Now, Host = "api.exchange.test" };

        var withMark = format.Read("\uFEFF" + text, context);

        var without = format.Read(text, context);
        Assert.Equal(without.Value, withMark.Value);
        Assert.Equal(without.Warnings, withMark.Warnings);
        Assert.Equal(TwoPins.Order(StringComparer.Ordinal), withMark.Value.Policies.Single().Pins.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("com")]
    [InlineData("co.uk")]
    public void Read_ValidInItsFormatButAPublicSuffixForEverySubdomain_RefusedAsPinsetRefusesToLoadIt(string suffix)
    {
        var headers = $"Public-Key-Pins: {string.Join("; ", TwoPins.Select(p => SpkiPin.Parse(p).ToHpkpString()))}; max-age=600; includeSubDomains";
        var hpkp = Assert.Throws<PinningConfigurationException>(() => PolicyFormats.Hpkp.Read(headers, new PolicyFormatContext { Now = Now, Host = suffix }));
        Assert.Contains($"'**.{suffix}'", hpkp.Message, StringComparison.Ordinal);
        Assert.Contains("public suffix", hpkp.Message, StringComparison.Ordinal);

        var plist = $"""
            <plist version="1.0"><dict><key>TSKConfiguration</key><dict><key>TSKPinnedDomains</key><dict>
            <key>{suffix}</key><dict><key>TSKIncludeSubdomains</key><true/>
            <key>TSKPublicKeyHashes</key><array>{string.Concat(TwoPins.Select(p => $"<string>{SpkiPin.Parse(p).ToBase64()}</string>"))}</array></dict>
            </dict></dict></dict></plist>
            """;
        var trustKit = Assert.Throws<PinningConfigurationException>(() => PolicyFormats.TrustKit.Read(plist, new PolicyFormatContext { Now = Now }));
        Assert.Contains($"'**.{suffix}'", trustKit.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Readable))]
    public void Read_OnePin_ConvertedWithTheBackupPinRuleAsAWarning(string name)
    {
        var format = PolicyFormats.Find(name)!;
        var single = format.Write(Simple(TwoPins[0]), new PolicyFormatContext { Now = Now }).Value;

        var read = format.Read(single, new PolicyFormatContext { Now = Now, Host = "api.exchange.test" });

        Assert.Equal([TwoPins[0]], read.Value.Policies.Single().Pins);
        Assert.Contains(read.Warnings, w => w.StartsWith("Pinset refuses to load this policy until a backup pin is added: pinning.policies[0]", StringComparison.Ordinal));
        Assert.Throws<PinningConfigurationException>(() => PinningPolicy.Create(read.Value));
    }

    [Fact]
    public void WriteJson_OnePin_WarnsThatPinsetWillNotLoadIt()
    {
        var json = PolicyFormats.Json.Write(Simple(TwoPins[0]), new PolicyFormatContext { Now = Now });
        Assert.Contains(json.Warnings, w => w.StartsWith("Pinset refuses to load this policy until a backup pin is added", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(AllNames))]
    public void Write_AConfigurationPinsetRefuses_IsRefusedWithEveryError_NeverWritten(string name)
    {
        var broken = new PinningConfiguration
        {
            Policies = [new HostPolicyConfiguration { Hosts = ["**.com"], Pins = ["sha256/not-a-pin", TwoPins[0]], Mode = "enforced" }],
        };

        var error = Assert.Throws<PinningConfigurationException>(() => PolicyFormats.Find(name)!.Write(broken, new PolicyFormatContext { Now = Now }));

        Assert.Equal(3, error.Errors.Count);
        Assert.Contains("'**.com'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'sha256/not-a-pin'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'enforced'", error.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string> AllNames => ["json", "curl", "hpkp", "okhttp", "trustkit", "android-nsc"];
}
