namespace Pinset.Cli.Tests;

/// <summary>
/// Files as users give them: '-' for standard input, pipes and /dev/stdin (read once), and names that are not there,
/// each refused with a sentence that says what was tried.
/// </summary>
public sealed class InputTests : IDisposable
{
    private readonly CliFixture _fx = new();

    public void Dispose() => _fx.Dispose();

    [Fact]
    public async Task Pin_Dash_ReadsStandardInput()
    {
        var run = await CliRunner.RunWithInputAsync(_fx.Pki.Leaf.ExportCertificatePem(), "pin", "-");
        Assert.True(run.Exit == 0, run.ToString());
        Assert.StartsWith($"{_fx.Pki.LeafPin}  {_fx.Pki.Leaf.Subject}", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Convert_DashWithFrom_ReadsStandardInputInThatForm()
    {
        var xml = $"""
            <network-security-config>
              <domain-config>
                <domain>api.exchange.test</domain>
                <pin-set><pin digest="SHA-256">{TestPki.BackupPin.ToBase64()}</pin><pin digest="SHA-256">{_fx.Pki.Intermediate.Pin.ToBase64()}</pin></pin-set>
              </domain-config>
            </network-security-config>
            """;
        var run = await CliRunner.RunWithInputAsync(xml, "convert", "-", "--from", "android-nsc", "--to", "curl");
        Assert.True(run.Exit == 0, run.ToString());
        Assert.Equal($"{TestPki.BackupPin.ToCurlString()};{_fx.Pki.Intermediate.Pin.ToCurlString()}\n", run.Out);

        var wrongForm = await CliRunner.RunWithInputAsync(xml, "convert", "-", "--from", "json", "--to", "curl");
        Assert.Equal(2, wrongForm.Exit);
        Assert.Contains("'standard input'", wrongForm.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pin_DashTwice_StandardInputIsReadOnlyOnce()
    {
        var run = await CliRunner.RunWithInputAsync(_fx.Pki.Leaf.ExportCertificatePem(), "pin", "-", "-");
        Assert.Equal(2, run.Exit);
        Assert.Contains("Standard input ('-') is given twice; it can be read only once.", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_CaFileFromStandardInput_TrustsThoseRoots()
    {
        await using var server = LoopbackTlsServer.Start(_fx.Pki.Leaf, _fx.Pki.GenuineChain());
        var run = await CliRunner.RunWithInputAsync(
            File.ReadAllText(_fx.RootsPem),
            "verify", CliFixture.Target(server), "--pin", _fx.Pki.Intermediate.Pin.ToString(), "--resolve", $"{TestPki.DefaultHost}:{server.Port}:127.0.0.1", "--cacert", "-");
        Assert.True(run.Exit == 0, run.ToString());
        Assert.StartsWith("PASSED", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RealProcess_CaFileDevStdinFromAPipe_IsReadOnce()
    {
        // The bug this guards: the file was read twice (once to check it, once to import it), and a pipe has nothing the second time.
        await using var server = LoopbackTlsServer.Start(_fx.Pki.Leaf, _fx.Pki.GenuineChain());
        using var pinset = PinsetProcess.Start(["pin", CliFixture.Target(server), "--resolve", $"{TestPki.DefaultHost}:{server.Port}:127.0.0.1", "--ca-file", "/dev/stdin"], redirectInput: true);
        await pinset.StandardInput.WriteAsync(File.ReadAllText(_fx.RootsPem));
        pinset.StandardInput.Close();
        var output = await pinset.StandardOutput.ReadToEndAsync();
        var error = await pinset.StandardError.ReadToEndAsync();
        await pinset.WaitForExitAsync();
        Assert.True(pinset.ExitCode == 0, $"exit {pinset.ExitCode}: {error}");
        Assert.StartsWith(_fx.Pki.LeafPin.ToString(), output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pin_MissingFileThatIsAlsoNoHost_SaysBoth()
    {
        using var cwd = new TempDirectory();
        var run = await CliRunner.RunAsync("pin", "missing-leaf.pem", "--timeout", "30");
        Assert.Equal(2, run.Exit);
        Assert.Contains("'missing-leaf.pem' is not a file (no such file: '", run.Error, StringComparison.Ordinal);
        Assert.Contains("and not a reachable server either: the name 'missing-leaf.pem' does not resolve.", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Could not connect", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pin_MissingFileInADirectory_SaysNoSuchFileAndNoServer()
    {
        var missing = Path.Combine(_fx.Directory, "certs", "leaf.pem");
        var run = await CliRunner.RunAsync("pin", missing);
        Assert.Equal(2, run.Exit);
        Assert.Contains($"'{missing}' is not a file (no such file: '{missing}') and not a server either", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("verify")]
    [InlineData("check")]
    [InlineData("convert")]
    public async Task PolicyThatIsADirectoryOrMissing_SaysSo(string command)
    {
        string[] Args(string policy) => command switch
        {
            "verify" => ["verify", "api.exchange.test", "--policy", policy],
            "check" => ["check", policy],
            _ => ["convert", policy, "--to", "json"],
        };
        var directory = await CliRunner.RunAsync(Args(_fx.Directory));
        Assert.Equal(2, directory.Exit);
        Assert.Contains($"'{_fx.Directory}' is a directory; give a", directory.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("denied", directory.Error, StringComparison.OrdinalIgnoreCase);

        var missing = _fx.File("nope.json");
        var absent = await CliRunner.RunAsync(Args(missing));
        Assert.Equal(2, absent.Exit);
        Assert.Contains($"'{missing}' does not exist (looked for '{missing}')", absent.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Policy_TrailingComma_SaysWhereInASentence()
    {
        var path = _fx.File("comma.json");
        File.WriteAllText(path, $$$"""{"pinning": {"policies": [{"hosts": ["api.exchange.test"], "pins": ["{{{TestPki.BackupPin}}}",]}]}}""");
        var run = await CliRunner.RunAsync("check", path);
        Assert.Equal(2, run.Exit);
        Assert.Contains($"'{path}' is not valid JSON: at line 1, column", run.Error, StringComparison.Ordinal);
        Assert.Contains("a trailing comma before ']'; JSON allows none, so remove it.", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_NonCanonicalPin_QuotedAndExplained()
    {
        var run = await CliRunner.RunAsync("verify", "api.exchange.test:1", "--pin", "sha256/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB=");
        Assert.Equal(2, run.Exit);
        Assert.Contains("Pin 'sha256/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB=' is not canonical base64", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("not standard base64", run.Error, StringComparison.Ordinal);
    }
}
