using NJsonSchema;

namespace Pinset.Tests;

/// <summary>The configuration document: the loader, and the shipped JSON schema held to the same verdicts.</summary>
public sealed class PinningConfigurationJsonTests
{
    private static readonly string PinA = SpkiPin.FromSubjectPublicKeyInfo("a"u8).ToString();
    private static readonly string PinB = SpkiPin.FromSubjectPublicKeyInfo("b"u8).ToString();
    private static readonly Lazy<JsonSchema> Schema = new(() => JsonSchema.FromFileAsync(Path.Combine(AppContext.BaseDirectory, "schema", "pinning.schema.json")).GetAwaiter().GetResult());

    private static string Policy(string body) => $$$"""{"pinning": {"policies": [{{{body}}}]}}""";

    public static TheoryData<string> ValidDocuments => new()
    {
        Policy($$$"""{"hosts": ["api.exchange.com"], "pins": ["{{{PinA}}}", "{{{PinB}}}"]}"""),
        Policy($$$"""{"hosts": ["*.exchange.com", "**.exchange.net"], "pins": ["{{{PinA}}}"], "certificates": ["{{{new string('A', 64)}}}"], "bannedPins": ["{{{PinB}}}"], "expires": "2027-06-30T00:00:00Z", "mode": "enforce", "reportUris": ["https://reports.exchange.com/pins"]}"""),
        Policy($$$"""{"hosts": ["api.exchange.com"], "pins": ["{{{PinA}}}"], "mode": "report-only", "expires": "2027-06-30"}"""),
        $$$"""{"$schema": "schema/pinning.schema.json", "Logging": {}, "pinning": {"requirePinnedHosts": true, "policies": [{"hosts": ["a.exchange.com"], "pins": ["{{{PinA}}}", "{{{PinB}}}"]}]}}""",
    };

    public static TheoryData<string, string> InvalidDocuments => new()
    {
        { """{"pinning": {"policies": [{"hosts": ["api.exchange.com"], "pins": ["sha256/AAAA", "sha256/BBBB"]}]}}""", "Pin 'sha256/AAAA' is 3 bytes long" },
        { Policy($$$"""{"host": ["api.exchange.com"], "pins": ["{{{PinA}}}", "{{{PinB}}}"]}"""), "unknown property 'host'" },
        { Policy($$$"""{"hosts": ["api.exchange.com"], "pins": ["{{{PinA}}}", "{{{PinB}}}"], "mode": "audit"}"""), "'mode' is 'audit'" },
        { Policy($$$"""{"hosts": ["api.exchange.com"], "pins": "{{{PinA}}}"}"""), "expected an array of strings" },
        { Policy($$$"""{"hosts": [42], "pins": ["{{{PinA}}}", "{{{PinB}}}"]}"""), "pinning.policies[0].hosts[0] is 42; expected a string." },
        { Policy("""{"hosts": ["api.exchange.com"]}"""), "'pins' and 'certificates' are both empty" },
        { Policy($$$"""{"hosts": ["api.exchange.com:443"], "pins": ["{{{PinA}}}", "{{{PinB}}}"]}"""), "Host pattern 'api.exchange.com:443' is not valid" },
        { Policy($$$"""{"hosts": ["api.exchange.com"], "pins": ["{{{PinA}}}", "{{{PinB}}}"], "expires": "soon"}"""), "'expires' is 'soon'" },
        { Policy($$$"""{"hosts": ["api.exchange.com"], "pins": ["{{{PinA}}}", "{{{PinB}}}"], "reportUris": ["mailto:x@y"]}"""), "Report URI 'mailto:x@y'" },
        { """{"pinning": {"policies": []}}""", "pinning.policies is empty" },
        { """{"pinning": {"policies": [], "extra": 1}}""", "unknown property 'extra'" },
        { """{"pinning": {"policies": {}}}""", "expected an array of policies" },
        { """{"pinning": {"requirePinnedHosts": "yes", "policies": []}}""", "expected true or false" },
        { """{"policies": []}""", "has no 'pinning' property" },
        { """[]""", "expected an object with a 'pinning' property" },
    };

    [Theory]
    [MemberData(nameof(ValidDocuments))]
    public void Parse_ValidDocument_LoaderAndSchemaAccept(string json)
    {
        Assert.NotEmpty(PinningPolicy.Parse(json).Policies);
        Assert.Empty(Schema.Value.Validate(json));
    }

    [Theory]
    [MemberData(nameof(InvalidDocuments))]
    public void Parse_InvalidDocument_LoaderAndSchemaRefuse(string json, string expected)
    {
        var error = Assert.Throws<PinningConfigurationException>(() => PinningPolicy.Parse(json));
        Assert.Contains(error.Errors, e => e.Contains(expected, StringComparison.Ordinal));
        Assert.NotEmpty(Schema.Value.Validate(json));
    }

    [Theory]
    [InlineData("", "is empty")]
    [InlineData("""{"pinning": {"policies": [{"hosts": ["a.exchange.com"], "pins": [""", "is not valid JSON: at line 1, column 66, the document ends where a value was expected (it may be truncated).")]
    [InlineData("""{"pinning": {"policies": [],}}""", "is not valid JSON: at line 1, column 29, a trailing comma before '}'; JSON allows none, so remove it.")]
    public void Parse_TruncatedOrMalformed_RefusedNeverEmpty(string json, string expected)
    {
        var error = Assert.Throws<PinningConfigurationException>(() => PinningPolicy.Parse(json, "policy.json"));
        Assert.Contains("'policy.json'", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_LoneSurrogate_FormatExceptionNotArgumentException()
    {
        // Found by the attack suite's FsCheck properties: System.Text.Json threw ArgumentException for this string.
        var error = Assert.Throws<PinningConfigurationException>(() => PinningPolicy.Parse("\ud800c=", "policy.json"));
        Assert.Contains("'policy.json' is not valid Unicode: it has a lone surrogate character (\\uD800) at index 0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ShapeAndContentErrors_ReportedTogether()
    {
        var json = """{"pinning": {"policies": [{"hosts": ["**.com"], "pins": ["sha256/AAAA"], "colour": "red"}, {"hosts": ["ok.exchange.com"], "pins": [7]}]}}""";
        var error = Assert.Throws<PinningConfigurationException>(() => PinningPolicy.Parse(json));
        Assert.Contains(error.Errors, e => e.Contains("unknown property 'colour'", StringComparison.Ordinal));
        Assert.Contains(error.Errors, e => e.Contains("pins[0] is 7", StringComparison.Ordinal));
        Assert.Contains(error.Errors, e => e.Contains("public suffix 'com'", StringComparison.Ordinal));
        Assert.Contains(error.Errors, e => e.Contains("'sha256/AAAA' is 3 bytes", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_MissingFile_RefusedNamingIt()
    {
        var error = Assert.Throws<PinningConfigurationException>(() => PinningPolicy.Load("/nonexistent/pins.json"));
        Assert.Contains("The policy file '/nonexistent/pins.json' does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_Directory_RefusedNamingIt()
    {
        using var dir = new TempDirectory();
        var error = Assert.Throws<PinningConfigurationException>(() => PinningPolicy.Load(dir.Path));
        Assert.Contains($"The policy file '{dir.Path}' is a directory; give the path of a JSON policy file.", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("denied", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_PropertyNamesIgnoreCase_AsConfigurationBindingDoes()
    {
        var policy = PinningPolicy.Parse($$$"""{"Pinning": {"Policies": [{"Hosts": ["a.exchange.com"], "Pins": ["{{{PinA}}}", "{{{PinB}}}"], "Mode": "report-only"}]}}""");
        Assert.Equal(PinningMode.ReportOnly, policy.Policies[0].Mode);
    }
}
