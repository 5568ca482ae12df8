using System.Text.Json;

namespace Pinset.Tests;

/// <summary>One list of the document's keys: the JSON schema names exactly these, the reader accepts each, and the writer writes nothing else.</summary>
public sealed class PinningConfigurationKeysTests
{
    private static JsonElement Schema() => JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "schema", "pinning.schema.json"))).RootElement;

    private static string[] Properties(JsonElement element) => [.. element.GetProperty("properties").EnumerateObject().Select(p => p.Name)];

    [Fact]
    public void Schema_NamesExactlyTheKeys()
    {
        var schema = Schema();
        Assert.Equal([PinningConfigurationKeys.Pinning], Properties(schema));
        Assert.Equal(PinningConfigurationKeys.DocumentKeys, Properties(schema.GetProperty("definitions").GetProperty("pinning")));
        Assert.Equal(PinningConfigurationKeys.PolicyKeys, Properties(schema.GetProperty("definitions").GetProperty("policy")));
    }

    [Fact]
    public void Reader_AcceptsEveryKey_AndTheWriterWritesOnlyThem()
    {
        var document = $$$"""
            {"pinning": {"requirePinnedHosts": true, "policies": [{
              "hosts": ["api.exchange.test"], "pins": ["{{{TestPki.BackupPin}}}", "sha256/47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="],
              "certificates": ["{{{string.Join(':', Enumerable.Repeat("AB", 32))}}}"], "bannedPins": ["sha256//RMdtgTGiHHsUtrXhnqGuppmOCwzqYFVzkMt6AnEKkQ="],
              "expires": "2030-01-01T00:00:00Z", "mode": "report-only", "reportUris": ["https://reports.exchange.test/"]}]}}
            """;
        var configuration = PinningConfigurationJson.Parse(document);
        using var written = JsonDocument.Parse(PinningConfigurationJsonWriter.Write(configuration));
        var pinning = written.RootElement.GetProperty(PinningConfigurationKeys.Pinning);
        Assert.Equal(PinningConfigurationKeys.DocumentKeys.Order(StringComparer.Ordinal), pinning.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(PinningConfigurationKeys.PolicyKeys.Order(StringComparer.Ordinal), pinning.GetProperty(PinningConfigurationKeys.Policies)[0].EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Configuration_EqualByContent_NotByListInstance()
    {
        HostPolicyConfiguration Policy(string pin) => new() { Hosts = ["api.exchange.test"], Pins = [pin, TestPki.BackupPin.ToString()], Mode = PinningModeNames.ReportOnly };
        var first = new PinningConfiguration { Policies = [Policy("sha256/47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=")] };
        var same = new PinningConfiguration { Policies = [Policy("sha256/47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=")] };
        var other = new PinningConfiguration { Policies = [Policy("sha256//RMdtgTGiHHsUtrXhnqGuppmOCwzqYFVzkMt6AnEKkQ=")] };

        Assert.Equal(first, same);
        Assert.Equal(first.GetHashCode(), same.GetHashCode());
        Assert.NotEqual(first, other);
        Assert.NotEqual(first, first with { RequirePinnedHosts = true });
        Assert.NotEqual(first.Policies[0], first.Policies[0] with { Mode = null });
    }

    [Fact]
    public void Configuration_KeepsItsOwnCopy_AndNullListsAreEmpty()
    {
        var pins = new List<string> { TestPki.BackupPin.ToString(), "sha256/47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=" };
        var policy = new HostPolicyConfiguration { Hosts = ["api.exchange.test"], Pins = pins, ReportUris = null! };
        var hash = policy.GetHashCode();
        pins[0] = "sha256//RMdtgTGiHHsUtrXhnqGuppmOCwzqYFVzkMt6AnEKkQ=";

        Assert.Equal(TestPki.BackupPin.ToString(), policy.Pins[0]);
        Assert.Equal(hash, policy.GetHashCode());
        Assert.Empty(policy.ReportUris);
        Assert.Throws<NotSupportedException>(() => ((IList<string>)policy.Pins)[0] = "sha256//RMdtgTGiHHsUtrXhnqGuppmOCwzqYFVzkMt6AnEKkQ=");
    }

    [Fact]
    public void Json_TwoPinningSectionsDifferingInCase_Refused()
    {
        var error = Assert.Throws<PinningConfigurationException>(() => PinningConfigurationJson.Parse("""{"pinning": {"policies": []}, "Pinning": {"policies": []}}""", "two.json"));
        Assert.Contains("'two.json' has 2 'pinning' sections ('pinning', 'Pinning'); names compare ignoring case, so keep exactly one.", error.Message, StringComparison.Ordinal);
    }
}
