using System.Text.Json;
using Microsoft.Extensions.Time.Testing;

namespace Pinset.Cli.Tests;

/// <summary>pinset bundle: keygen, sign, verify, inspect and diff, as a publisher runs them.</summary>
public sealed class BundleCommandTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);
    private readonly CliFixture _fx = new();
    private readonly FakeTimeProvider _time = new(Now);

    public void Dispose() => _fx.Dispose();

    private string Key => _fx.File("signer");

    private string Policy(string extra = "") => _fx.Policy($$"""{"hosts": ["{{TestPki.DefaultHost}}"], "pins": ["{{_fx.Pki.Intermediate.Pin}}", "{{TestPki.BackupPin}}"]{{extra}}}""");

    private async Task<string> SignedAsync(long version = 5, string validFor = "30d", string? policy = null)
    {
        if (!File.Exists(Key + ".key"))
        {
            Assert.Equal(0, (await CliRunner.RunAsync("bundle", "keygen", Key)).Exit);
        }

        var output = _fx.File($"v{version}-{Guid.NewGuid():N}.jws");
        var run = await CliRunner.RunAsync(_time, "bundle", "sign", policy ?? Policy(), "--key", Key + ".key", "--version", $"{version}", "--valid-for", validFor, "--out", output, "--offline");
        Assert.True(run.Exit == 0, run.ToString());
        return output;
    }

    [Fact]
    public async Task Keygen_WritesAPrivateKeyOnlyTheOwnerReadsAndNeverOverwritesIt()
    {
        var run = await CliRunner.RunAsync("bundle", "keygen", Key);
        Assert.True(run.Exit == 0, run.ToString());
        var id = run.Out.Trim();
        Assert.Equal(PinBundleKey.FromPublicKeyPem(File.ReadAllText(Key + ".pub")).Id.ToString(), id);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Key + ".key"));
        }

        var before = File.ReadAllText(Key + ".key");

        var again = await CliRunner.RunAsync("bundle", "keygen", Key);
        Assert.Equal(2, again.Exit);
        Assert.Contains("already exists; a signing key is never overwritten", again.Error, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllText(Key + ".key"));
    }

    [Fact]
    public async Task SignThenVerify_ValidWithTheKeyInvalidWithoutIt()
    {
        var bundle = await SignedAsync();
        var valid = await CliRunner.RunAsync(_time, "bundle", "verify", bundle, "--key", Key + ".pub");
        Assert.True(valid.Exit == 0, valid.ToString());
        Assert.StartsWith("VALID: version 5, signed by sha256/", valid.Out, StringComparison.Ordinal);

        Assert.Equal(0, (await CliRunner.RunAsync("bundle", "keygen", _fx.File("other"))).Exit);
        var wrongKey = await CliRunner.RunAsync(_time, "bundle", "verify", bundle, "--key", _fx.File("other.pub"));
        Assert.Equal(1, wrongKey.Exit);
        Assert.Contains("INVALID (UnknownKey)", wrongKey.Error, StringComparison.Ordinal);

        var rotated = await CliRunner.RunAsync(_time, "bundle", "verify", bundle, "--key", _fx.File("other.pub"), "--key", Key + ".pub");
        Assert.Equal(0, rotated.Exit);
    }

    [Fact]
    public async Task Verify_TamperedExpiredRolledBackOrUnreadable_SaysWhich()
    {
        var bundle = await SignedAsync(version: 5);
        var parts = File.ReadAllText(bundle).Trim().Split('.');
        var tampered = _fx.File("tampered.jws");
        File.WriteAllText(tampered, $"{parts[0]}.{parts[1]}A.{parts[2]}");

        var altered = await CliRunner.RunAsync(_time, "bundle", "verify", tampered, "--key", Key + ".pub");
        Assert.Equal(1, altered.Exit);
        Assert.Contains("INVALID (", altered.Error, StringComparison.Ordinal);

        _time.Advance(TimeSpan.FromDays(31));
        var expired = await CliRunner.RunAsync(_time, "bundle", "verify", bundle, "--key", Key + ".pub");
        Assert.Equal(1, expired.Exit);
        Assert.Contains("INVALID (Expired)", expired.Error, StringComparison.Ordinal);

        var missing = await CliRunner.RunAsync(_time, "bundle", "verify", _fx.File("missing.jws"), "--key", Key + ".pub");
        Assert.Equal(2, missing.Exit);

        var badKey = await CliRunner.RunAsync(_time, "bundle", "verify", bundle, "--key", bundle);
        Assert.Equal(2, badKey.Exit);
        Assert.Contains("is not an ECDSA P-256 public key", badKey.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_MinVersion_RefusesARollback()
    {
        var bundle = await SignedAsync(version: 5);
        var run = await CliRunner.RunAsync(_time, "bundle", "verify", bundle, "--key", Key + ".pub", "--min-version", "6", "--json");
        Assert.Equal(1, run.Exit);
        using var error = JsonDocument.Parse(run.Error);
        Assert.Equal("refused", error.RootElement.GetProperty("code").GetString());
        Assert.Contains("INVALID (Rollback)", error.RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sign_APolicyThatDoesNotLoad_Refused()
    {
        Assert.Equal(0, (await CliRunner.RunAsync("bundle", "keygen", Key)).Exit);
        var onePin = _fx.Policy($$"""{"hosts": ["{{TestPki.DefaultHost}}"], "pins": ["{{TestPki.BackupPin}}"]}""");
        var output = _fx.File("refused.jws");
        var run = await CliRunner.RunAsync(_time, "bundle", "sign", onePin, "--key", Key + ".key", "--version", "1", "--valid-for", "7d", "--out", output, "--offline");
        Assert.Equal(2, run.Exit);
        Assert.Contains("backup", run.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public async Task KeysSwapped_EachRefusedNamingTheOtherFile()
    {
        var bundle = await SignedAsync();

        var verify = await CliRunner.RunAsync(_time, "bundle", "verify", bundle, "--key", Key + ".key");
        Assert.Equal(2, verify.Exit);
        Assert.Contains("holds a private key ('-----BEGIN PRIVATE KEY-----'); a trusted bundle key is the public key", verify.Error, StringComparison.Ordinal);

        var sign = await CliRunner.RunAsync(_time, "bundle", "sign", Policy(), "--key", Key + ".pub", "--version", "6", "--valid-for", "7d", "--out", _fx.File("y.jws"), "--offline");
        Assert.Equal(2, sign.Exit);
        Assert.Contains("holds a public key; signing needs the private key (NAME.key", sign.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(_fx.File("y.jws")));
    }

    [Theory]
    [InlineData("0", "--min-version 0 is below 1; bundle versions start at 1.")]
    [InlineData("-1", "--min-version -1 is below 1; bundle versions start at 1.")]
    [InlineData("abc", "--min-version 'abc' is not a whole number, such as 8.")]
    public async Task Verify_MinVersionNotAVersion_Exit2InWords(string value, string expected)
    {
        var bundle = await SignedAsync();
        var run = await CliRunner.RunAsync(_time, "bundle", "verify", bundle, "--key", Key + ".pub", "--min-version", value);
        Assert.Equal(2, run.Exit);
        Assert.Contains(expected, run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "--version", "0", "--valid-for", "7d" }, "--version '0' is not a version")]
    [InlineData(new[] { "--version", "1" }, "Give either --expires TIME or --valid-for DURATION")]
    [InlineData(new[] { "--version", "1", "--valid-for", "7d", "--expires", "2027-01-01T00:00:00Z" }, "Give either --expires TIME or --valid-for DURATION")]
    [InlineData(new[] { "--version", "1", "--expires", "2026-01-01T00:00:00Z" }, "is not in the future")]
    [InlineData(new[] { "--version", "1", "--expires", "next week" }, "is not a time")]
    [InlineData(new[] { "--version", "1", "--valid-for", "0d" }, "--valid-for '0d' is no time at all; give a length of time above zero, such as 12h or 30d.")]
    public async Task Sign_BadVersionOrExpiry_Exit2QuotingIt(string[] options, string expected)
    {
        Assert.Equal(0, (await CliRunner.RunAsync("bundle", "keygen", Key)).Exit);
        var run = await CliRunner.RunAsync(_time, ["bundle", "sign", Policy(), "--key", Key + ".key", "--out", _fx.File("x.jws"), "--offline", .. options]);
        Assert.Equal(2, run.Exit);
        Assert.Contains(expected, run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sign_WarnsOfItsOwnRisksAndOfCheckFindings()
    {
        await using var server = LoopbackTlsServer.Start(_fx.Pki.Leaf, _fx.Pki.GenuineChain());
        Assert.Equal(0, (await CliRunner.RunAsync("bundle", "keygen", Key)).Exit);
        var leafOnly = _fx.Policy($$"""{"hosts": ["{{TestPki.DefaultHost}}"], "pins": ["{{_fx.Pki.LeafPin}}", "{{TestPki.BackupPin}}"], "expires": "2027-01-15T00:00:00Z"}""");
        var run = await CliRunner.RunAsync(_time, ["bundle", "sign", leafOnly, "--key", Key + ".key", "--version", "9", "--valid-for", "180d", "--out", _fx.File("risky.jws"),
            "--connect-to", $"{TestPki.DefaultHost}:443:127.0.0.1:{server.Port}", "--ca-file", _fx.RootsPem]);
        Assert.True(run.Exit == 0, run.ToString());
        Assert.Contains("the bundle is valid for 180 days", run.Error, StringComparison.Ordinal);
        Assert.Contains("expires before the bundle does", run.Error, StringComparison.Ordinal);
        Assert.Contains($"{TestPki.DefaultHost}:443: Leaf only", run.Error, StringComparison.Ordinal);
        Assert.Contains("Signed version 9", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inspect_ShowsHeaderAndPayloadMarkedUnverified()
    {
        var bundle = await SignedAsync();
        var run = await CliRunner.RunAsync("bundle", "inspect", bundle);
        Assert.True(run.Exit == 0, run.ToString());
        Assert.StartsWith("UNVERIFIED", run.Out, StringComparison.Ordinal);
        Assert.Contains("\"alg\":\"ES256\"", run.Out, StringComparison.Ordinal);
        Assert.Contains(_fx.Pki.Intermediate.Pin.ToString(), run.Out, StringComparison.Ordinal);

        var json = await CliRunner.RunAsync("bundle", "inspect", bundle, "--json");
        using var document = JsonDocument.Parse(json.Out);
        Assert.False(document.RootElement.GetProperty("verified").GetBoolean());
        Assert.Equal(5, document.RootElement.GetProperty("payload").GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task Diff_NamesHostsPinsModeAndExpiryChanges()
    {
        var old = await SignedAsync(version: 5);
        var newPolicy = _fx.Policy($$"""{"hosts": ["{{TestPki.DefaultHost}}"], "pins": ["{{_fx.Pki.Root.Pin}}", "{{TestPki.BackupPin}}"], "mode": "report-only"}, {"hosts": ["**.ws.exchange.test"], "pins": ["{{_fx.Pki.Root.Pin}}", "{{TestPki.BackupPin}}"]}""");
        var @new = await SignedAsync(version: 5, policy: newPolicy);
        var run = await CliRunner.RunAsync("bundle", "diff", old, @new);
        Assert.True(run.Exit == 0, run.ToString());
        Assert.Contains("! version 5 is not above 5", run.Out, StringComparison.Ordinal);
        Assert.Contains($"+ host **.ws.exchange.test: pins {_fx.Pki.Root.Pin}", run.Out, StringComparison.Ordinal);
        Assert.Contains($"  host {TestPki.DefaultHost}:", run.Out, StringComparison.Ordinal);
        Assert.Contains($"    + pin {_fx.Pki.Root.Pin}", run.Out, StringComparison.Ordinal);
        Assert.Contains($"    - pin {_fx.Pki.Intermediate.Pin}", run.Out, StringComparison.Ordinal);
        Assert.Contains("    mode: enforce -> report-only", run.Out, StringComparison.Ordinal);

        var same = await CliRunner.RunAsync("bundle", "diff", old, old);
        Assert.Contains("! version 5 is not above 5", same.Out, StringComparison.Ordinal);
        var policies = await CliRunner.RunAsync("bundle", "diff", Policy(), Policy());
        Assert.Contains("No change.", policies.Out, StringComparison.Ordinal);
    }

    /// <summary>A bundle of a policy that has already expired would reach every client as a policy pinning nothing: refused, never signed.</summary>
    [Fact]
    public async Task Sign_PolicyAlreadyExpired_Exit2AndNoBundle()
    {
        Assert.Equal(0, (await CliRunner.RunAsync("bundle", "keygen", Key)).Exit);
        var output = _fx.File("expired.jws");
        var run = await CliRunner.RunAsync(_time, "bundle", "sign", Policy(", \"expires\": \"2026-01-01\""), "--key", Key + ".key", "--version", "1", "--valid-for", "7d", "--out", output, "--offline");
        Assert.True(run.Exit == 2, run.ToString());
        Assert.Contains("expired on 2026-01-01T00:00:00Z: clients given this bundle would not pin its hosts at all. Renew its 'expires' (or remove it) before signing.", run.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }

    /// <summary>
    /// A bundle reaches every client at once: one whose pins the policy's live server fails today is refused (exit 1,
    /// nothing written) unless --force, which signs it with the refusal as a warning.
    /// </summary>
    [Fact]
    public async Task Sign_AServerOfThePolicyFailsItToday_RefusedUnlessForce()
    {
        await using var server = LoopbackTlsServer.Start(_fx.Pki.Leaf, _fx.Pki.GenuineChain());
        Assert.Equal(0, (await CliRunner.RunAsync("bundle", "keygen", Key)).Exit);
        var wrong = _fx.Policy($$"""{"hosts": ["{{TestPki.DefaultHost}}"], "pins": ["{{_fx.Pki.InterceptorRoot.Pin}}", "{{TestPki.BackupPin}}"]}""");
        string[] Args(string output) => ["bundle", "sign", wrong, "--key", Key + ".key", "--version", "3", "--valid-for", "7d", "--out", output,
            "--connect-to", $"{TestPki.DefaultHost}:443:127.0.0.1:{server.Port}", "--ca-file", _fx.RootsPem];

        var refused = await CliRunner.RunAsync(_time, Args(_fx.File("refused.jws")));
        Assert.True(refused.Exit == 1, refused.ToString());
        Assert.StartsWith($"error: Not signed: clients given this bundle would refuse 1 server of the policy today. {TestPki.DefaultHost}:443: PIN MISMATCH today", refused.Error, StringComparison.Ordinal);
        Assert.Contains("Fix the policy (pinset check shows why), or give --force to sign it all the same.", refused.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(_fx.File("refused.jws")));

        var forced = await CliRunner.RunAsync(_time, [.. Args(_fx.File("forced.jws")), "--force"]);
        Assert.True(forced.Exit == 0, forced.ToString());
        Assert.Contains($"warning: {TestPki.DefaultHost}:443: PIN MISMATCH today", forced.Error, StringComparison.Ordinal);
        Assert.True(File.Exists(_fx.File("forced.jws")));
    }
}
