using System.Text;
using System.Text.Json;

namespace Pinset.Collector.Tests;

/// <summary>
/// The chains users met that the policy does not pin, and the reviewable change that would admit a new CA key as a
/// backup pin: a unified diff that the real <c>git apply</c> and <c>patch -p1</c> apply to the policy file the collector
/// is given, whatever its style, after which Pinset loads the pin from it; or, with no file to change, a whole proposed
/// policy file, called so.
/// </summary>
public sealed class PolicyAdviceTests : ScratchTests
{
    [RequiresToolsFact("git", "patch")]
    public async Task HostApi_PolicyFileGiven_TheDiffAppliesWithGitApplyAndPatch_AndPinsetThenLoadsThePin()
    {
        var policy = Files.File("policy.json");
        var original = $$"""
            {
              "pinning": {
                "policies": [
                  { "hosts": ["other.exchange.test"], "pins": ["{{TestPki.BackupPin}}"], "mode": "report-only" },
                  { "hosts": ["{{Pki.Host}}"], "pins": ["{{Pki.Intermediate.Pin}}", "{{TestPki.BackupPin}}"], "mode": "report-only", "expires": "2099-01-01T00:00:00Z" }
                ]
              }
            }

            """;
        File.WriteAllText(policy, original);
        await using var collector = await CollectorHost.StartAsync(new Dictionary<string, string?> { ["Policy:Path"] = policy });
        await collector.PostAcceptedAsync(ReportJson.Intercepted(Pki));
        await collector.PostAcceptedAsync(ReportJson.For(Pki.Host, [Pki.Leaf, Pki.Intermediate.Certificate, Pki.Root.Certificate], [Pki.Intermediate.Pin], appVersion: "4.1.0"));

        using var detail = JsonDocument.Parse(await collector.Client.GetStringAsync($"/api/hosts/{Pki.Host}"));

        var suggestion = Assert.Single(detail.RootElement.GetProperty("suggestions").EnumerateArray());
        Assert.Equal(Pki.InterceptorRoot.Pin.ToString(), suggestion.GetProperty("pin").GetString());
        Assert.True(suggestion.GetProperty("selfSigned").GetBoolean());
        Assert.Equal(1, suggestion.GetProperty("reports").GetInt64());
        Assert.Equal("policy.json, pinning.policies[1]", suggestion.GetProperty("policySource").GetString());
        Assert.Equal($"A unified diff of 'policy.json': in the directory of '{policy}', apply it with 'git apply' or 'patch -p1'.", suggestion.GetProperty("apply").GetString());
        Assert.Equal(JsonValueKind.Null, suggestion.GetProperty("proposedFile").ValueKind);
        Assert.Equal(
            $$"""
            --- a/policy.json
            +++ b/policy.json
            @@ -2,7 +2,7 @@
               "pinning": {
                 "policies": [
                   { "hosts": ["other.exchange.test"], "pins": ["{{TestPki.BackupPin}}"], "mode": "report-only" },
            -      { "hosts": ["{{Pki.Host}}"], "pins": ["{{Pki.Intermediate.Pin}}", "{{TestPki.BackupPin}}"], "mode": "report-only", "expires": "2099-01-01T00:00:00Z" }
            +      { "hosts": ["{{Pki.Host}}"], "pins": ["{{Pki.Intermediate.Pin}}", "{{TestPki.BackupPin}}", "{{Pki.InterceptorRoot.Pin}}"], "mode": "report-only", "expires": "2099-01-01T00:00:00Z" }
                 ]
               }
             }

            """,
            suggestion.GetProperty("diff").GetString());
        Assert.Equal([Pki.Intermediate.Pin.ToString(), TestPki.BackupPin.ToString()], detail.RootElement.GetProperty("policyPins").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal(2, detail.RootElement.GetProperty("chains").GetArrayLength());

        var page = await collector.Client.GetStringAsync($"/?host={Pki.Host}");
        Assert.Contains("<pre class=\"diff\"><span class=\"file\">--- a/policy.json</span>", page, StringComparison.Ordinal);

        var expected = original.Replace($"\"{TestPki.BackupPin}\"], \"mode\": \"report-only\", \"expires\"", $"\"{TestPki.BackupPin}\", \"{Pki.InterceptorRoot.Pin}\"], \"mode\": \"report-only\", \"expires\"", StringComparison.Ordinal);
        foreach (var applied in await ApplyEachWayAsync("policy.json", Encoding.UTF8.GetBytes(original), suggestion.GetProperty("diff").GetString()!))
        {
            Assert.Equal(expected, Encoding.UTF8.GetString(applied.Bytes));
            var loaded = PinningPolicy.Load(applied.Path);
            Assert.Equal([Pki.Intermediate.Pin, TestPki.BackupPin, Pki.InterceptorRoot.Pin], loaded.Find(Pki.Host)!.Pins);
            Assert.Equal([TestPki.BackupPin], loaded.Find("other.exchange.test")!.Pins);
        }
    }

    [RequiresToolsFact("git", "patch")]
    public async Task HostApi_FileInItsOwnStyle_ByteOrderMarkCrlfTabsCommentsOtherSettingsNoFinalNewline_TheDiffAppliesAndChangesNothingElse()
    {
        var policy = Files.File("appsettings.json");
        var original = "\uFEFF{\r\n\t\"Logging\": {\"LogLevel\": {\"Default\": \"Information\"}},\r\n\t\"Pinning\": {\"Policies\": [{\r\n\t\t\"Hosts\": [\"" + Pki.Host + "\"],\r\n\t\t// The issuing CA's key, and the backup.\r\n\t\t\"Pins\": [\r\n\t\t\t\""
            + Pki.Intermediate.Pin + "\",\r\n\t\t\t\"" + TestPki.BackupPin + "\"\r\n\t\t]\r\n\t}]}\r\n}";
        var bytes = new UTF8Encoding(false).GetBytes(original);
        File.WriteAllBytes(policy, bytes);
        await using var collector = await CollectorHost.StartAsync(new Dictionary<string, string?> { ["Policy:Path"] = policy });
        await collector.PostAcceptedAsync(ReportJson.Intercepted(Pki));

        using var detail = JsonDocument.Parse(await collector.Client.GetStringAsync($"/api/hosts/{Pki.Host}"));
        var diff = Assert.Single(detail.RootElement.GetProperty("suggestions").EnumerateArray()).GetProperty("diff").GetString()!;

        Assert.EndsWith(" \t}]}\r\n }\n\\ No newline at end of file\n", diff, StringComparison.Ordinal);
        var expected = original.Replace($"\"{TestPki.BackupPin}\"\r\n", $"\"{TestPki.BackupPin}\",\r\n\t\t\t\"{Pki.InterceptorRoot.Pin}\"\r\n", StringComparison.Ordinal);
        foreach (var applied in await ApplyEachWayAsync("appsettings.json", bytes, diff))
        {
            Assert.Equal(new UTF8Encoding(false).GetBytes(expected), applied.Bytes);
            Assert.Equal([Pki.Intermediate.Pin, TestPki.BackupPin, Pki.InterceptorRoot.Pin], PinningPolicy.Load(applied.Path).Find(Pki.Host)!.Pins);
        }
    }

    [Fact]
    public async Task HostApi_NoPolicyFile_AWholeProposedPolicyFile_AsPinsetWritesIt_CalledWhatItIs()
    {
        await using var collector = await CollectorHost.StartAsync();
        await collector.PostAcceptedAsync(ReportJson.Intercepted(Pki));

        using var detail = JsonDocument.Parse(await collector.Client.GetStringAsync($"/api/hosts/{Pki.Host}"));

        var suggestion = Assert.Single(detail.RootElement.GetProperty("suggestions").EnumerateArray());
        Assert.StartsWith("the pins the reports name (known-pins)", suggestion.GetProperty("policySource").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("No policy file pins this host (give the collector yours as Policy:Path to get a diff of it), so this is a whole proposed policy file", suggestion.GetProperty("apply").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, suggestion.GetProperty("diff").ValueKind);
        var proposed = suggestion.GetProperty("proposedFile").GetString()!;
        Assert.Equal(
            PinningConfigurationJsonWriter.Write(new PinningConfiguration { Policies = [new HostPolicyConfiguration { Hosts = [Pki.Host], Pins = [Pki.Intermediate.Pin.ToString(), TestPki.BackupPin.ToString(), Pki.InterceptorRoot.Pin.ToString()] }] }),
            proposed);
        Assert.Equal([Pki.Intermediate.Pin, TestPki.BackupPin, Pki.InterceptorRoot.Pin], PinningPolicy.Parse(proposed).Find(Pki.Host)!.Pins);
        Assert.Contains("<pre class=\"proposed-file\">{", await collector.Client.GetStringAsync($"/?host={Pki.Host}"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HostApi_EntryWithoutPinsToAddTo_TheWholeProposedFile_SayingWhatItLeavesOut()
    {
        var policy = Files.File("policy.json");
        var fingerprint = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Pki.Leaf.RawData));
        File.WriteAllText(policy, $$$"""{"Logging": {}, "pinning": {"policies": [{"hosts": ["{{{Pki.Host}}}"], "certificates": ["{{{fingerprint}}}"], "mode": "report-only"}]}}""");
        await using var collector = await CollectorHost.StartAsync(new Dictionary<string, string?> { ["Policy:Path"] = policy });
        await collector.PostAcceptedAsync(ReportJson.Intercepted(Pki));

        using var detail = JsonDocument.Parse(await collector.Client.GetStringAsync($"/api/hosts/{Pki.Host}"));

        var suggestion = Assert.Single(detail.RootElement.GetProperty("suggestions").EnumerateArray());
        Assert.Equal(
            $"The pins of policy.json, pinning.policies[0] could not be changed in place in '{policy}' (its text is not the plain JSON Pinset writes), so this is the whole proposed policy file as Pinset writes it: it leaves out anything else the file holds, such as other settings.",
            suggestion.GetProperty("apply").GetString());
        var proposed = PinningConfigurationJson.Parse(suggestion.GetProperty("proposedFile").GetString()!);
        Assert.Equal(new HostPolicyConfiguration { Hosts = [Pki.Host], Pins = [Pki.InterceptorRoot.Pin.ToString()], Certificates = [fingerprint], Mode = "report-only" }, Assert.Single(proposed.Policies));
    }

    [Fact]
    public async Task HostApi_EveryCaKeyPinned_NoSuggestion()
    {
        await using var collector = await CollectorHost.StartAsync();
        await collector.PostAcceptedAsync(ReportJson.For(Pki.Host, [Pki.Leaf, Pki.Intermediate.Certificate], [Pki.Intermediate.Pin], outcome: "PolicyExpired"));

        using var detail = JsonDocument.Parse(await collector.Client.GetStringAsync($"/api/hosts/{Pki.Host}"));

        Assert.Empty(detail.RootElement.GetProperty("suggestions").EnumerateArray());
    }

    /// <summary>
    /// Applies <paramref name="diff"/> to a copy of the file named <paramref name="name"/> holding <paramref name="bytes"/>,
    /// in a directory of its own, as the dashboard says to: with <c>git apply</c> (after <c>--check</c>) and with
    /// <c>patch -p1</c>. Each applied file, and where it is.
    /// </summary>
    private async Task<List<(string Path, byte[] Bytes)>> ApplyEachWayAsync(string name, byte[] bytes, string diff)
    {
        var applied = new List<(string, byte[])>();
        string[][] ways = [["git", "apply", "--check", "proposed.diff"], ["git", "apply", "proposed.diff"], ["patch", "-p1", "-i", "proposed.diff"]];
        foreach (var (directory, commands) in new[] { ("with-git", ways[..2]), ("with-patch", ways[2..]) })
        {
            var dir = Directory.CreateDirectory(Files.File(directory)).FullName;
            File.WriteAllBytes(Path.Combine(dir, name), bytes);
            File.WriteAllText(Path.Combine(dir, "proposed.diff"), diff);
            foreach (var command in commands)
            {
                var run = await ExternalTool.Named(command[0]).RunAsync(command[1..], dir, limit: TimeSpan.FromMinutes(1));
                Assert.True(run.Exit == 0, $"'{string.Join(' ', command)}' refused the diff (exit {run.Exit}):\n{run.Out}{run.Error}\n{diff}");
            }

            applied.Add((Path.Combine(dir, name), File.ReadAllBytes(Path.Combine(dir, name))));
        }

        return applied;
    }
}
