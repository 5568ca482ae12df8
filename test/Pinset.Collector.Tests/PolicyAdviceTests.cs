using System.Text.Json;

namespace Pinset.Collector.Tests;

/// <summary>
/// The chains users met that the policy does not pin, and the reviewable change that would admit a new CA key as a
/// backup pin: against the policy file the collector is given, or the pins the reports name when it has none.
/// </summary>
public sealed class PolicyAdviceTests : ScratchTests
{
    [Fact]
    public async Task HostApi_PolicyFileGiven_DiffAddsTheUnpinnedRootToThatEntry()
    {
        var policy = Files.File("policy.json");
        File.WriteAllText(policy, $$"""
            {
              "pinning": {
                "policies": [
                  { "hosts": ["other.exchange.test"], "pins": ["{{TestPki.BackupPin}}"], "mode": "report-only" },
                  { "hosts": ["{{Pki.Host}}"], "pins": ["{{Pki.Intermediate.Pin}}", "{{TestPki.BackupPin}}"], "mode": "report-only", "expires": "2099-01-01T00:00:00Z" }
                ]
              }
            }
            """);
        await using var collector = await CollectorHost.StartAsync(new Dictionary<string, string?> { ["Policy:Path"] = policy });
        await collector.PostAcceptedAsync(ReportJson.Intercepted(Pki));
        await collector.PostAcceptedAsync(ReportJson.For(Pki.Host, [Pki.Leaf, Pki.Intermediate.Certificate, Pki.Root.Certificate], [Pki.Intermediate.Pin], appVersion: "4.1.0"));

        using var detail = JsonDocument.Parse(await collector.Client.GetStringAsync($"/api/hosts/{Pki.Host}"));

        var suggestion = Assert.Single(detail.RootElement.GetProperty("suggestions").EnumerateArray());
        Assert.Equal(Pki.InterceptorRoot.Pin.ToString(), suggestion.GetProperty("pin").GetString());
        Assert.True(suggestion.GetProperty("selfSigned").GetBoolean());
        Assert.Equal(1, suggestion.GetProperty("reports").GetInt64());
        Assert.Equal("policy.json, pinning.policies[1]", suggestion.GetProperty("policySource").GetString());
        Assert.Equal(
            $$"""
            --- policy.json, pinning.policies[1]
            +++ policy.json, pinning.policies[1] (proposed: backup pin added)
            @@ -1,11 +1,12 @@
             {
               "hosts": [
                 "{{Pki.Host}}"
               ],
               "pins": [
                 "{{Pki.Intermediate.Pin}}",
            -    "{{TestPki.BackupPin}}"
            +    "{{TestPki.BackupPin}}",
            +    "{{Pki.InterceptorRoot.Pin}}"
               ],
               "mode": "report-only",
               "expires": "2099-01-01T00:00:00Z"
             }

            """,
            suggestion.GetProperty("diff").GetString());
        Assert.Equal([Pki.Intermediate.Pin.ToString(), TestPki.BackupPin.ToString()], detail.RootElement.GetProperty("policyPins").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal(2, detail.RootElement.GetProperty("chains").GetArrayLength());
    }

    [Fact]
    public async Task HostApi_NoPolicyFile_DiffAgainstTheKnownPinsOfTheReports()
    {
        await using var collector = await CollectorHost.StartAsync();
        await collector.PostAcceptedAsync(ReportJson.Intercepted(Pki));

        using var detail = JsonDocument.Parse(await collector.Client.GetStringAsync($"/api/hosts/{Pki.Host}"));

        var suggestion = Assert.Single(detail.RootElement.GetProperty("suggestions").EnumerateArray());
        Assert.StartsWith("the pins the reports name (known-pins)", suggestion.GetProperty("policySource").GetString(), StringComparison.Ordinal);
        Assert.Contains($"+    \"{Pki.InterceptorRoot.Pin}\"", suggestion.GetProperty("diff").GetString(), StringComparison.Ordinal);
        Assert.Contains($"     \"{Pki.Intermediate.Pin}\",", suggestion.GetProperty("diff").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HostApi_EveryCaKeyPinned_NoSuggestion()
    {
        await using var collector = await CollectorHost.StartAsync();
        await collector.PostAcceptedAsync(ReportJson.For(Pki.Host, [Pki.Leaf, Pki.Intermediate.Certificate], [Pki.Intermediate.Pin], outcome: "PolicyExpired"));

        using var detail = JsonDocument.Parse(await collector.Client.GetStringAsync($"/api/hosts/{Pki.Host}"));

        Assert.Empty(detail.RootElement.GetProperty("suggestions").EnumerateArray());
    }
}
