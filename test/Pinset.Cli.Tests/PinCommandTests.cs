using System.Text.Json;

namespace Pinset.Cli.Tests;

public sealed class PinCommandTests : IDisposable
{
    private readonly CliFixture _fx = new();

    public void Dispose() => _fx.Dispose();

    [Fact]
    public async Task Pin_Server_ValidatedChainLeafFirst()
    {
        await using var server = LoopbackTlsServer.Start(_fx.Pki.Leaf, _fx.Pki.GenuineChain());
        var run = await CliRunner.RunAsync(["pin", CliFixture.Target(server), .. _fx.Reach(server)]);
        Assert.True(run.Exit == 0, run.ToString());
        var lines = run.Out.TrimEnd().Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.StartsWith($"{_fx.Pki.LeafPin}  {_fx.Pki.Leaf.Subject}", lines[0], StringComparison.Ordinal);
        Assert.StartsWith(_fx.Pki.Intermediate.Pin.ToString(), lines[1], StringComparison.Ordinal);
        Assert.StartsWith(_fx.Pki.Root.Pin.ToString(), lines[2], StringComparison.Ordinal);
        Assert.Contains("key=EC P-256", lines[0], StringComparison.Ordinal);
        Assert.Equal(0, server.Requests);
    }

    [Fact]
    public async Task Pin_ServerSendsCertificatesOffThePath_MarksThem()
    {
        await using var server = await OpenSslTlsServer.StartAsync(_fx.Pki.InterceptorLeaf, [_fx.Pki.Intermediate.Certificate]);
        var run = await CliRunner.RunAsync(["pin", $"https://{TestPki.DefaultHost}:{server.Port}/ticker", .. _fx.Reach(server.Port)]);
        Assert.True(run.Exit == 0, run.ToString());
        var off = Assert.Single(run.Out.Split('\n'), l => l.Contains("not on the validated path", StringComparison.Ordinal));
        Assert.StartsWith(_fx.Pki.Intermediate.Pin.ToString(), off, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pin_UntrustedChain_Exit4UnlessInsecure()
    {
        await using var server = LoopbackTlsServer.Start(_fx.Pki.Leaf, _fx.Pki.GenuineChain());
        string[] reach = ["--resolve", $"{TestPki.DefaultHost}:{server.Port}:127.0.0.1"];
        var refused = await CliRunner.RunAsync(["pin", CliFixture.Target(server), .. reach]);
        Assert.Equal(4, refused.Exit);
        Assert.Contains("does not trust the chain", refused.Error, StringComparison.Ordinal);
        Assert.Contains("--insecure", refused.Error, StringComparison.Ordinal);

        var insecure = await CliRunner.RunAsync(["pin", CliFixture.Target(server), "--insecure", .. reach]);
        Assert.Equal(0, insecure.Exit);
        Assert.Contains("INSECURE", insecure.Error, StringComparison.Ordinal);
        Assert.StartsWith(_fx.Pki.LeafPin.ToString(), insecure.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pin_ClosedPort_Exit3()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        int port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var run = await CliRunner.RunAsync("pin", $"{TestPki.DefaultHost}:{port}", "--resolve", $"{TestPki.DefaultHost}:{port}:127.0.0.1", "--timeout", "5");
        Assert.Equal(3, run.Exit);
        Assert.Contains($"Could not connect to '{TestPki.DefaultHost}:{port}'", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pin_ServerClosesBeforeCertificate_Exit3()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        int port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        var closer = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync();
            client.Client.Shutdown(System.Net.Sockets.SocketShutdown.Both);
        });
        var run = await CliRunner.RunAsync("pin", $"{TestPki.DefaultHost}:{port}", "--resolve", $"{TestPki.DefaultHost}:{port}:127.0.0.1");
        await closer;
        Assert.Equal(3, run.Exit);
        Assert.Contains("failed before a certificate was received", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pin_Files_PinsMatchOpenSslInFileOrder()
    {
        var bundle = _fx.File("bundle.pem");
        File.WriteAllText(bundle, _fx.Pki.Leaf.ExportCertificatePem() + "\n" + _fx.Pki.Root.Certificate.ExportCertificatePem());
        var pub = _fx.File("leaf.pub");
        OpenSsl.Run(_fx.Directory, "x509", "-in", bundle, "-pubkey", "-noout", "-out", pub);
        var run = await CliRunner.RunAsync("pin", bundle, pub);
        Assert.True(run.Exit == 0, run.ToString());
        var pins = run.Out.Split('\n').Where(l => l.StartsWith("sha256/", StringComparison.Ordinal)).Select(l => l.Split("  ")[0]).ToList();
        Assert.Equal([_fx.Pki.LeafPin.ToString(), _fx.Pki.Root.Pin.ToString(), OpenSsl.PinOfPublicKeyPem(_fx.Directory, pub)], pins);
        Assert.Equal(pins[0], pins[2]);
    }

    [Fact]
    public async Task Pin_FormatCurl_PrintsTheLeafPinAndNamesTheCaPinsLeftOut()
    {
        await using var server = LoopbackTlsServer.Start(_fx.Pki.Leaf, _fx.Pki.GenuineChain());
        var run = await CliRunner.RunAsync(["pin", CliFixture.Target(server), "--format", "curl", .. _fx.Reach(server)]);
        Assert.True(run.Exit == 0, run.ToString());
        Assert.Equal(_fx.Pki.LeafPin.ToCurlString() + "\n", run.Out);
        var warning = Assert.Single(run.Error.Split('\n'), l => l.Contains("left out the CA pins", StringComparison.Ordinal));
        Assert.Contains($"{_fx.Pki.Intermediate.Pin} ({_fx.Pki.Intermediate.Certificate.Subject})", warning, StringComparison.Ordinal);
        Assert.Contains($"{_fx.Pki.Root.Pin} ({_fx.Pki.Root.Certificate.Subject})", warning, StringComparison.Ordinal);
        Assert.DoesNotContain("not known to be a leaf's key", run.Error, StringComparison.Ordinal);
        var rootOnly = _fx.File("root.pem");
        File.WriteAllText(rootOnly, _fx.Pki.Root.Certificate.ExportCertificatePem());

        // What the warning says, shown with curl itself: the printed pin passes, a CA's pin never does, a wrong one fails.
        Assert.Equal(0, Curl(server, rootOnly, run.Out.Trim()));
        Assert.Equal(90, Curl(server, rootOnly, _fx.Pki.Intermediate.Pin.ToCurlString()));
        Assert.Equal(90, Curl(server, rootOnly, TestPki.BackupPin.ToCurlString()));
    }

    [Fact]
    public async Task Pin_FormatCurl_FilesKeepTheLeafAndLeaveTheCaOutByName()
    {
        var leaf = _fx.File("leaf.pem");
        var intermediate = _fx.File("int.pem");
        File.WriteAllText(leaf, _fx.Pki.Leaf.ExportCertificatePem());
        File.WriteAllText(intermediate, _fx.Pki.Intermediate.Certificate.ExportCertificatePem());
        var run = await CliRunner.RunAsync("pin", leaf, intermediate, "--format", "curl");
        Assert.True(run.Exit == 0, run.ToString());
        Assert.Equal(_fx.Pki.LeafPin.ToCurlString() + "\n", run.Out);
        Assert.Contains($"left out the CA pins {_fx.Pki.Intermediate.Pin}", run.Error, StringComparison.Ordinal);

        var caOnly = await CliRunner.RunAsync("pin", intermediate, "--format", "curl");
        Assert.Equal(2, caOnly.Exit);
        Assert.Equal(string.Empty, caOnly.Out);
        Assert.Contains($"the CA pins {_fx.Pki.Intermediate.Pin} ({_fx.Pki.Intermediate.Certificate.Subject}) would never match under curl", caOnly.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pin_Json_OneDocument()
    {
        await using var server = LoopbackTlsServer.Start(_fx.Pki.Leaf, _fx.Pki.GenuineChain());
        var run = await CliRunner.RunAsync(["pin", CliFixture.Target(server), "--json", .. _fx.Reach(server)]);
        Assert.True(run.Exit == 0, run.ToString());
        using var json = JsonDocument.Parse(run.Out);
        var certificates = json.RootElement.GetProperty("targets")[0].GetProperty("certificates");
        Assert.Equal(_fx.Pki.LeafPin.ToString(), certificates[0].GetProperty("pin").GetString());
        Assert.True(certificates[0].GetProperty("onValidatedPath").GetBoolean());
    }

    [Fact]
    public async Task Pin_Json_WritesSubjectsAndPinsAsPlainText()
    {
        using var key = System.Security.Cryptography.ECDsa.Create();
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=api.exchange.test, O=Bob's Exchange & Co", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var file = _fx.File("bob.pem");
        File.WriteAllText(file, certificate.ExportCertificatePem());
        var run = await CliRunner.RunAsync("pin", file, "--json");
        Assert.True(run.Exit == 0, run.ToString());
        Assert.Contains(certificate.Subject, run.Out, StringComparison.Ordinal);
        Assert.Contains($"\"{SpkiPin.FromCertificate(certificate)}\"", run.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u00", run.Out, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(run.Out);
        Assert.Equal(certificate.Subject, json.RootElement.GetProperty("targets")[0].GetProperty("certificates")[0].GetProperty("subject").GetString());
    }

    [Theory]
    [InlineData("garbage", "this is not a certificate", "is not a DER certificate")]
    [InlineData("truncated.pem", "-----BEGIN CERTIFICATE-----\nMIIB", "truncated or malformed")]
    [InlineData("empty.pem", "", "is empty")]
    public async Task Pin_BadFile_Exit2NamingIt(string name, string content, string expected)
    {
        var path = _fx.File(name);
        File.WriteAllText(path, content);
        var run = await CliRunner.RunAsync("pin", path);
        Assert.Equal(2, run.Exit);
        Assert.Contains($"'{path}'", run.Error, StringComparison.Ordinal);
        Assert.Contains(expected, run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pin_Directory_Exit2()
    {
        var run = await CliRunner.RunAsync("pin", _fx.Directory);
        Assert.Equal(2, run.Exit);
        Assert.Contains("is a directory", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("api.exchange.test:notaport:127.0.0.1")]
    [InlineData("api.exchange.test:443")]
    [InlineData("api.exchange.test:443:not-an-address")]
    public async Task Pin_BadResolve_Exit2QuotingIt(string resolve)
    {
        var run = await CliRunner.RunAsync("pin", "api.exchange.test:443", "--resolve", resolve);
        Assert.Equal(2, run.Exit);
        Assert.Contains($"--resolve '{resolve}' is not HOST:PORT:ADDR", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pin_UnknownOption_Exit2()
    {
        var run = await CliRunner.RunAsync("pin", "--bogus");
        Assert.Equal(2, run.Exit);
    }

    private static int Curl(LoopbackTlsServer server, string caFile, string pins)
    {
        using var curl = ExternalTool.Curl.Start(["-sS", "--max-time", "10", "--cacert", caFile, "--resolve", $"{TestPki.DefaultHost}:{server.Port}:127.0.0.1", "--pinnedpubkey", pins, $"https://{TestPki.DefaultHost}:{server.Port}/"]);
        curl.StandardOutput.ReadToEnd();
        curl.StandardError.ReadToEnd();
        curl.WaitForExit();
        return curl.ExitCode;
    }

    /// <summary>
    /// Every key of today's chain is in use today, so a policy of them alone has no backup: each writer of a policy says
    /// so, as the single-pin case does (and as check would report it), unless a key kept back is among the targets.
    /// </summary>
    [Theory]
    [InlineData("json")]
    [InlineData("trustkit")]
    [InlineData("android-nsc")]
    [InlineData("okhttp")]
    [InlineData("hpkp")]
    public async Task Pin_FormatWritingAPolicyOfTodaysChainOnly_WarnsOfTheMissingBackup_TheRealProcess(string format)
    {
        await using var server = LoopbackTlsServer.Start(_fx.Pki.Leaf, _fx.Pki.GenuineChain());
        var run = await PinsetProcess.RunAsync(["pin", CliFixture.Target(server), "--format", format, .. _fx.Reach(server)]);
        Assert.True(run.Exit == 0, $"exit {run.Exit}\n{run.Out}\n{run.Error}");
        Assert.Contains($"warning: no backup pin: each of the 3 pins is the key of a certificate in use today ({TestPki.DefaultHost}:{server.Port}), so when those keys change, clients holding this policy are locked out.", run.Error, StringComparison.Ordinal);

        var backup = _fx.File("backup.pub.pem");
        using (var key = System.Security.Cryptography.ECDsa.Create())
        {
            await File.WriteAllTextAsync(backup, key.ExportSubjectPublicKeyInfoPem());
        }

        var withBackup = await PinsetProcess.RunAsync(["pin", CliFixture.Target(server), backup, "--format", format, .. _fx.Reach(server)]);
        Assert.True(withBackup.Exit == 0, withBackup.Error);
        Assert.DoesNotContain("no backup pin", withBackup.Error, StringComparison.Ordinal);
    }
}
