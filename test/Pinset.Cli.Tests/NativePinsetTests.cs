using System.Text.Json;
using Xunit.Abstractions;

namespace Pinset.Cli.Tests;

/// <summary>
/// The native executable (native AOT, <c>eng/publish-cli.sh</c>) run as a real process does what the in-process CLI
/// does, output for output and exit code for exit code: reading files, real TLS to a loopback server, the policy
/// writers, signed bundles, shell completion, help, JSON errors, and a signal. The tests hold it to the in-process CLI rather than to expected text, so
/// any difference between the JIT and the AOT build (trimmed code, reflection, resources, culture) fails here.
/// </summary>
public sealed class NativePinsetTests : IClassFixture<NativePinsetFixture>, IDisposable
{
    private readonly NativePinsetFixture _native;
    private readonly ITestOutputHelper _log;
    private readonly CliFixture _fx = new();

    public NativePinsetTests(NativePinsetFixture native, ITestOutputHelper log)
    {
        _native = native;
        _log = log;
    }

    public void Dispose() => _fx.Dispose();

    [RequiresToolsFact("clang", "objcopy")]
    public async Task Pin_CertificateFile_PrintsWhatTheInProcessCliPrints()
    {
        var pem = _fx.File("leaf.pem");
        File.WriteAllText(pem, _fx.Pki.Leaf.ExportCertificatePem() + "\n" + _fx.Pki.Intermediate.Certificate.ExportCertificatePem());
        var run = await AssertSameAsInProcessAsync("pin", pem);
        Assert.True(run.Exit == 0, run.ToString());
        Assert.StartsWith(_fx.Pki.LeafPin.ToString(), run.Out, StringComparison.Ordinal);
        _log.WriteLine($"eng/publish-cli.sh took {(await _native.Pinset).PublishTime.TotalSeconds:F0} s.");
    }

    [RequiresToolsTheory("clang", "objcopy")]
    [InlineData("pass")]
    [InlineData("refused")]
    [InlineData("json")]
    public async Task Verify_LoopbackTlsServer_PrintsWhatTheInProcessCliPrints(string variant)
    {
        await using var server = LoopbackTlsServer.Start(_fx.Pki.Leaf, _fx.Pki.GenuineChain());
        var pin = variant == "refused" ? TestPki.BackupPin : _fx.Pki.Intermediate.Pin;
        string[] json = variant == "json" ? ["--json"] : [];
        var run = await AssertSameAsInProcessAsync(["verify", CliFixture.Target(server), "--pin", pin.ToString(), .. _fx.Reach(server), .. json]);
        Assert.True(run.Exit == (variant == "refused" ? 1 : 0), run.ToString());
    }

    [RequiresToolsFact("clang", "objcopy")]
    public async Task Check_LoopbackTlsServer_PrintsWhatTheInProcessCliPrints()
    {
        await using var server = LoopbackTlsServer.Start(_fx.Pki.Leaf, _fx.Pki.GenuineChain());
        var policy = _fx.Policy($$"""{"hosts": ["{{TestPki.DefaultHost}}"], "pins": ["{{_fx.Pki.Intermediate.Pin}}", "{{TestPki.BackupPin}}"]}""");
        var text = await AssertSameAsInProcessAsync(["check", policy, CliFixture.Target(server), .. _fx.Reach(server)]);
        Assert.True(text.Exit == 0, text.ToString());
        await AssertSameAsInProcessAsync(["check", policy, CliFixture.Target(server), .. _fx.Reach(server), "--json"]);
    }

    [RequiresToolsFact("clang", "objcopy")]
    public async Task CheckReport_SentThroughTheResiliencePipeline_PrintsWhatTheInProcessCliPrints()
    {
        // The report sender (IHttpClientFactory, Microsoft.Extensions.Http.Resilience) trimmed and compiled ahead of
        // time: one collector accepts, one refuses (400, not retried), and both builds say and send the same.
        await using var collector = await ReportEndpoint.StartAsync();
        await using var refusing = await ReportEndpoint.StartAsync(ReportEndpointBehaviour.Reject);
        await using var interceptor = LoopbackTlsServer.Start(_fx.Pki.InterceptorLeaf);
        var policy = _fx.Policy($$"""{"hosts": ["{{TestPki.DefaultHost}}"], "pins": ["{{_fx.Pki.Intermediate.Pin}}", "{{TestPki.BackupPin}}"], "reportUris": ["{{collector.Url}}", "{{refusing.Url}}"]}""");
        var run = await AssertSameAsInProcessAsync(["check", policy, CliFixture.Target(interceptor), "--report", .. _fx.Reach(interceptor)]);
        Assert.True(run.Exit == 1, run.ToString());
        Assert.Contains($"could not be sent to '{refusing.Url}': answered 400 Bad Request.", run.Error, StringComparison.Ordinal);
        Assert.Equal(2, collector.Reports.Count);
        Assert.Equal(2, refusing.Reports.Count);
        using var report = JsonDocument.Parse(collector.Reports[1].Body);
        Assert.Equal("PinMismatch", report.RootElement.GetProperty("outcome").GetString());
    }

    [RequiresToolsTheory("clang", "objcopy")]
    [InlineData("json")]
    [InlineData("curl")]
    [InlineData("hpkp")]
    [InlineData("okhttp")]
    [InlineData("trustkit")]
    [InlineData("android-nsc")]
    public async Task Convert_JsonPolicy_PrintsWhatTheInProcessCliPrints(string format)
    {
        var policy = _fx.Policy($$"""{"hosts": ["api.exchange.com", "**.ws.exchange.com"], "pins": ["{{_fx.Pki.Intermediate.Pin}}", "{{TestPki.BackupPin}}"], "reportUris": ["https://r.exchange.com/"]}""");
        var run = await AssertSameAsInProcessAsync("convert", policy, "--to", format);
        Assert.True(run.Exit == 0, run.ToString());
        await AssertSameAsInProcessAsync("convert", policy, "--to", format, "--json");
    }

    [RequiresToolsTheory("clang", "objcopy")]
    [InlineData("--help")]
    [InlineData("verify", "--help")]
    public async Task Help_PrintsWhatTheInProcessCliPrints(params string[] args)
    {
        var run = await AssertSameAsInProcessAsync(args);
        Assert.True(run.Exit == 0 && run.Out.Length > 0, run.ToString());
    }

    [RequiresToolsFact("clang", "objcopy")]
    public async Task Version_IsTheFrameworkDependentToolsVersion()
    {
        // In-process, --version would name the test host, the entry assembly; the tool's own process names Pinset.Cli.
        var pinset = await _native.Pinset;
        var (exit, output, error) = await PinsetProcess.RunAsync("--version");
        Assert.True(exit == 0 && output.Length > 0, error);
        Assert.Equal(new CliRunner.Run(exit, output, error), await RunAsync(pinset, "--version"));
    }

    [RequiresToolsTheory("clang", "objcopy")]
    [InlineData("pin", "no-such-file.pem", "--json")]
    [InlineData("verify", "--json")]
    [InlineData("convert", "no-such-policy.json", "--to", "curl", "--json")]
    public async Task JsonErrors_PrintWhatTheInProcessCliPrints(params string[] args)
    {
        var run = await AssertSameAsInProcessAsync(args);
        Assert.Equal(ExitCodes.BadInput, run.Exit);
        using var error = JsonDocument.Parse(run.Error);
        Assert.Equal("bad-input", error.RootElement.GetProperty("code").GetString());
    }

    [RequiresToolsFact("clang", "objcopy")]
    public async Task BackupKey_WritesAKeyWhosePinTheInProcessCliReadsBackFromTheCsr()
    {
        var pinset = await _native.Pinset;
        var dir = _fx.File("keys");
        var run = await RunAsync(pinset, "backup-key", "--out", dir, "--subject", "CN=api.exchange.test", "--algorithm", "rsa-2048");
        Assert.True(run.Exit == 0, run.ToString());
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(dir, "backup.key.pem")));
        }

        var csr = await CliRunner.RunAsync("pin", Path.Combine(dir, "backup.csr.pem"));
        Assert.Equal(run.Out.Trim(), csr.Out.Split(' ')[0]);
    }

    [RequiresToolsTheory("clang", "objcopy")]
    [InlineData("bash")]
    [InlineData("zsh")]
    [InlineData("fish")]
    [InlineData("pwsh")]
    public async Task Completion_EveryShell_PrintsWhatTheInProcessCliPrints(string shell)
    {
        var run = await AssertSameAsInProcessAsync("completion", shell);
        Assert.True(run.Exit == 0 && run.Out.Length > 0, run.ToString());
        await AssertSameAsInProcessAsync("__complete", "bundle", "s");
    }

    [RequiresToolsFact("clang", "objcopy")]
    public async Task Bundle_SignedByTheNativeBinary_VerifiesAndInspectsAsInProcess()
    {
        var pinset = await _native.Pinset;
        var policy = _fx.Policy($$"""{"hosts": ["{{TestPki.DefaultHost}}"], "pins": ["{{_fx.Pki.Intermediate.Pin}}", "{{TestPki.BackupPin}}"]}""");
        var keygen = await RunAsync(pinset, "bundle", "keygen", _fx.File("signer"));
        Assert.True(keygen.Exit == 0, keygen.ToString());
        var bundle = _fx.File("pins.jws");
        var sign = await RunAsync(pinset, "bundle", "sign", policy, "--key", _fx.File("signer.key"), "--version", "7", "--expires", "2030-01-01T00:00:00Z", "-o", bundle, "--offline");
        Assert.True(sign.Exit == 0, sign.ToString());
        var verified = await AssertSameAsInProcessAsync("bundle", "verify", bundle, "--key", _fx.File("signer.pub"), "--json");
        Assert.True(verified.Exit == 0, verified.ToString());
        await AssertSameAsInProcessAsync("bundle", "inspect", bundle);
        var rollback = await AssertSameAsInProcessAsync("bundle", "verify", bundle, "--key", _fx.File("signer.pub"), "--min-version", "8");
        Assert.Equal(ExitCodes.Refused, rollback.Exit);
    }

    [RequiresToolsFact("clang", "objcopy")]
    public async Task Demo_PassesTheExchangeAndRefusesTheInterceptor()
    {
        var pinset = await _native.Pinset;
        var run = await RunAsync(pinset, "demo", "--json");
        Assert.True(run.Exit == 0, run.ToString());
        using var demo = JsonDocument.Parse(run.Out);
        Assert.True(demo.RootElement.GetProperty("exchangePassed").GetBoolean());
        Assert.True(demo.RootElement.GetProperty("interceptorRefused").GetBoolean());
        Assert.Equal(0, demo.RootElement.GetProperty("interceptorRequests").GetInt32());
    }

    [RequiresToolsTheory("clang", "objcopy")]
    [InlineData("INT", Interruption.InterruptExitCode)]
    [InlineData("TERM", Interruption.TerminateExitCode)]
    public async Task Signalled_WhileWaitingOnASilentServer_ExitsWithTheSignalsCodeAndSaysNothing(string signal, int exitCode)
    {
        var pinset = await _native.Pinset;
        Assert.Equal(new CliRunner.Run(exitCode, string.Empty, string.Empty), await SignalledProcess.RunAsync(pinset.Start, signal));
    }

    /// <summary>Runs the command in-process and as the native process; both must print the same and exit the same.</summary>
    private async Task<CliRunner.Run> AssertSameAsInProcessAsync(params string[] args)
    {
        var pinset = await _native.Pinset;
        var expected = await CliRunner.RunAsync(args);
        var actual = await RunAsync(pinset, args);
        Assert.Equal(expected, actual);
        return actual;
    }

    private static async Task<CliRunner.Run> RunAsync(NativePinset pinset, params string[] args)
    {
        var (exit, output, error) = await pinset.RunAsync(args);
        return new CliRunner.Run(exit, output, error);
    }
}
