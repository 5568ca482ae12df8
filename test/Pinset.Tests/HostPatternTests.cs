namespace Pinset.Tests;

public sealed class HostPatternTests
{
    [Theory]
    [InlineData("api.example.com", "api.example.com")]
    [InlineData("API.Example.COM", "api.example.com")]
    [InlineData("api.example.com.", "api.example.com")]
    [InlineData("bücher.example", "xn--bcher-kva.example")]
    [InlineData("[::1]", "::1")]
    [InlineData("0:0:0:0:0:0:0:1", "::1")]
    [InlineData("127.1", "127.0.0.1")]
    [InlineData("localhost", "localhost")]
    public void Normalize_Spellings_CanonicalForm(string host, string expected) => Assert.Equal(expected, HostName.Normalize(host));

    [Fact]
    public void Normalize_AlreadyCanonical_ReturnsSameString()
    {
        var host = "api.example.com";
        Assert.Same(host, HostName.Normalize(host));
    }

    [Theory]
    [InlineData("https://api.example.com", "is a URL")]
    [InlineData("api.example.com/path", "is a URL")]
    [InlineData("api.example.com:443", "has a ':' but is not an IPv6 address")]
    [InlineData("api..example.com", "empty label")]
    [InlineData("api.example.com..", "empty label")]
    [InlineData("a*b.example.com", "'*' inside it")]
    [InlineData("api.exa mple.com", "the character ' '")]
    [InlineData("1.2.3.999", "not an IPv4 address")]
    public void Parse_Invalid_ThrowsQuotingValue(string pattern, string expected)
    {
        var error = Assert.Throws<PinsetFormatException>(() => HostPattern.Parse(pattern));
        Assert.Contains($"'{pattern}'", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("**.com")]
    [InlineData("*.com")]
    [InlineData("*.co.uk")]
    [InlineData("**.co.uk")]
    [InlineData("*.foo.ck")]
    [InlineData("**.公司.cn")] // an IDN rule of the list, given in Unicode
    [InlineData("**.xn--55qx5d.cn")] // the same rule in punycode
    [InlineData("*.aéroport.ci")]
    [InlineData("*.127.0.0.1")]
    [InlineData("**.*.example.com")]
    [InlineData("*")]
    public void Parse_WildcardOverPublicSuffixOrIp_Throws(string pattern) =>
        Assert.Throws<PinsetFormatException>(() => HostPattern.Parse(pattern));

    /// <summary>
    /// The list's wildcard rules make every name directly under these domains a public suffix ('*.kawasaki.jp'), so a
    /// wildcard over the domain spans sites of different owners, although the domain itself is not a public suffix.
    /// </summary>
    [Theory]
    [InlineData("**.kawasaki.jp", "*.kawasaki.jp")]
    [InlineData("*.kawasaki.jp", "*.kawasaki.jp")]
    [InlineData("**.KAWASAKI.jp.", "*.kawasaki.jp")]
    [InlineData("**.nom.br", "*.nom.br")]
    [InlineData("*.sapporo.jp", "*.sapporo.jp")]
    public void Parse_WildcardOverADomainWhoseChildrenArePublicSuffixes_ThrowsNamingTheRule(string pattern, string rule)
    {
        var error = Assert.Throws<PinsetFormatException>(() => HostPattern.Parse(pattern));
        Assert.Contains($"Host pattern '{pattern}' puts a wildcard over '", error.Message, StringComparison.Ordinal);
        Assert.Contains($"every name directly under which is a public suffix (the Public Suffix List's rule '{rule}')", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_PolicyFileWithAWildcardOverKawasakiJp_RefusedAtLoad()
    {
        var json = """{"pinning": {"policies": [{"hosts": ["**.kawasaki.jp"], "pins": ["sha256/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "sha256/BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBA="]}]}}""";
        var error = Assert.Throws<PinningConfigurationException>(() => PinningPolicy.Parse(json, "pinning.json"));
        Assert.Contains("'**.kawasaki.jp' puts a wildcard over 'kawasaki.jp'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("**.city.kawasaki.jp")] // the list's exception '!city.kawasaki.jp': a registered domain
    [InlineData("**.example.foo.kawasaki.jp")] // registered under the public suffix 'foo.kawasaki.jp'
    [InlineData("*.example.co.uk")]
    [InlineData("**.exchange.com")]
    [InlineData("*.www.ck")]
    [InlineData("**.exchange.xn--55qx5d.cn")]
    public void Parse_WildcardOverRegisteredDomain_Accepted(string pattern) => Assert.Equal(pattern, HostPattern.Parse(pattern).ToString());

    [Fact]
    public void Parse_WildcardOverRegisteredIdnDomain_AcceptedAsPunycode() =>
        Assert.Equal("**.exchange.xn--55qx5d.cn", HostPattern.Parse("**.exchange.公司.cn").ToString());

    [Theory]
    [InlineData("*.example.com", "api.example.com", true)]
    [InlineData("*.example.com", "example.com", false)]
    [InlineData("*.example.com", "a.b.example.com", false)]
    [InlineData("*.example.com", "api.badexample.com", false)]
    [InlineData("**.example.com", "example.com", true)]
    [InlineData("**.example.com", "a.b.example.com", true)]
    [InlineData("**.example.com", "notexample.com", false)]
    [InlineData("api.example.com", "api.example.com", true)]
    [InlineData("api.example.com", "www.api.example.com", false)]
    [InlineData("api.example.com", "API.Example.COM.", true)] // any spelling, as connections see it (found by the FsCheck model test)
    [InlineData("*.bücher.example", "API.XN--BCHER-KVA.example", true)]
    [InlineData("api.example.com", "api..example.com", false)] // not a valid name: matches nothing
    public void Matches_Boundaries(string pattern, string host, bool expected) => Assert.Equal(expected, HostPattern.Parse(pattern).Matches(host));

    [Fact]
    public void PublicSuffixList_Embedded_HasIcannRules() => Assert.True(PublicSuffixList.RuleCount > 5000);

    /// <summary>The embedded list, read as bytes, has as many rules as the file has lines that are not comments.</summary>
    [Fact]
    public void PublicSuffixList_Embedded_EveryRuleOfTheFile() =>
        Assert.Equal(File.ReadLines(Repository.File("src", "Pinset", "Resources", "public_suffix_list.dat")).Count(l => !l.StartsWith("//", StringComparison.Ordinal)), PublicSuffixList.RuleCount);
}
