namespace Pinset.Tests;

public sealed class PinningPolicyTests
{
    private static readonly string PinA = SpkiPin.FromSubjectPublicKeyInfo("a"u8).ToString();
    private static readonly string PinB = SpkiPin.FromSubjectPublicKeyInfo("b"u8).ToString();

    private static HostPolicyConfiguration Policy(params string[] hosts) => new() { Hosts = hosts, Pins = [PinA, PinB] };

    [Theory]
    [InlineData("api.exchange.com", "api.exchange.com")]
    [InlineData("API.Exchange.com.", "api.exchange.com")]
    [InlineData("ws.exchange.com", "*.exchange.com")]
    [InlineData("exchange.com", "**.exchange.com")]
    [InlineData("a.b.exchange.com", "**.b.exchange.com")]
    [InlineData("a.c.exchange.com", "**.exchange.com")]
    [InlineData("other.com", null)]
    public void Find_MostSpecificPatternWins(string host, string? expected)
    {
        var policy = PinningPolicy.Create(new()
        {
            Policies = [Policy("**.exchange.com"), Policy("*.exchange.com"), Policy("api.exchange.com"), Policy("**.b.exchange.com")],
        });
        policy.Find(host, out var pattern);
        Assert.Equal(expected, pattern?.ToString());
    }

    [Fact]
    public void Find_TenThousandPolicies_FindsEach()
    {
        var policy = PinningPolicy.Create(new() { Policies = [.. Enumerable.Range(0, 10_000).Select(i => Policy($"h{i}.exchange.com"))] });
        Assert.Equal(9_999, policy.Find("h9999.exchange.com")!.Index);
        Assert.Null(policy.Find("h10000.exchange.com"));
    }

    [Fact]
    public void Create_EveryKindOfError_AllReportedAtOnce()
    {
        var error = Assert.Throws<PinningConfigurationException>(() => PinningPolicy.Create(new()
        {
            Policies =
            [
                new() { Hosts = ["api.exchange.com"], Pins = [PinA] },
                new() { Hosts = ["**.com", "https://x.exchange.com"], Pins = ["sha256/AAAA", PinB], Mode = "enforcing", Expires = "next year", ReportUris = ["ftp://reports"] },
                new() { Hosts = [], Pins = [] },
                new() { Hosts = ["api.exchange.com"], Pins = [PinA, PinB], BannedPins = [PinA] },
            ],
        }));

        string[] expected =
        [
            "pinning.policies[0] ('api.exchange.com'): An enforced policy needs at least two distinct pins",
            "Host pattern '**.com' puts a wildcard over the public suffix 'com'",
            "Host pattern 'https://x.exchange.com' is not valid",
            "Pin 'sha256/AAAA' is 3 bytes long",
            "'mode' is 'enforcing'; expected 'enforce' or 'report-only'.",
            "'expires' is 'next year'",
            "Report URI 'ftp://reports' is not an absolute http or https URI",
            "pinning.policies[2]: 'hosts' is empty",
            "pinning.policies[2]: 'pins' and 'certificates' are both empty",
            $"Pin '{PinA}' is both pinned and banned",
        ];
        foreach (var text in expected)
        {
            Assert.Contains(error.Errors, e => e.Contains(text, StringComparison.Ordinal));
        }

        Assert.Contains(error.Errors, e => e.Contains("already in pinning.policies[0]", StringComparison.Ordinal) || e.Contains("both pinned and banned", StringComparison.Ordinal));
        Assert.Contains($"{error.Errors.Count} errors", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_DuplicatePatternAcrossPolicies_Error()
    {
        var error = Assert.Throws<PinningConfigurationException>(() => PinningPolicy.Create(new() { Policies = [Policy("API.exchange.com"), Policy("api.exchange.com.")] }));
        Assert.Contains("host pattern 'api.exchange.com' is already in pinning.policies[0]", Assert.Single(error.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Create_NoPolicies_RefusedNotSilentlyEmpty()
    {
        var error = Assert.Throws<PinningConfigurationException>(() => PinningPolicy.Create(new()));
        Assert.Contains("pinning.policies is empty", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_ReportOnlyWithOnePin_Accepted()
    {
        var policy = PinningPolicy.Create(new() { Policies = [new() { Hosts = ["api.exchange.com"], Pins = [PinA], Mode = "report-only" }] });
        Assert.Equal(PinningMode.ReportOnly, policy.Policies[0].Mode);
    }

    [Theory]
    [InlineData("2027-06-30", "2027-06-30T00:00:00+00:00")]
    [InlineData("2027-06-30T12:00:00Z", "2027-06-30T12:00:00+00:00")]
    [InlineData("2027-06-30T12:00:00+02:00", "2027-06-30T10:00:00+00:00")]
    [InlineData("2027-06-30T12:00Z", "2027-06-30T12:00:00+00:00")]
    [InlineData("2027-06-30T12:00:00.25-01:30", "2027-06-30T13:30:00.25+00:00")]
    [InlineData("2028-02-29", "2028-02-29T00:00:00+00:00")]
    public void Create_Expiry_ParsedAsUtcInstant(string expires, string expected)
    {
        var policy = PinningPolicy.Create(new() { Policies = [new() { Hosts = ["a.exchange.com"], Pins = [PinA, PinB], Expires = expires }] });
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), policy.Policies[0].Expires);
    }

    [Theory]
    [InlineData("2027-06-30T12:00:00")]
    [InlineData("2027-06-30 12:00:00Z")]
    [InlineData("2027-6-30")]
    [InlineData("2027-02-29")]
    [InlineData("2027-06-30T24:00:00Z")]
    [InlineData("2027-06-30T12:00:00.Z")]
    [InlineData("2027-06-30T12:00:00+2:00")]
    [InlineData("2027-06-30Z")]
    [InlineData("30/06/2027")]
    public void Create_ExpiryNotAnIsoInstantOrDate_Refused(string expires)
    {
        var error = Assert.Throws<PinningConfigurationException>(() => PinningPolicy.Create(new() { Policies = [new() { Hosts = ["a.exchange.com"], Pins = [PinA, PinB], Expires = expires }] }));
        Assert.Contains($"'expires' is '{expires}'; expected an ISO 8601 instant with an offset", error.Message, StringComparison.Ordinal);
    }
}
