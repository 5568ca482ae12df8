using Pinset.Formats;
namespace Pinset.Cli.Tests;

public sealed class BackupKeyCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("ec-p256", "EC P-256")]
    [InlineData("ec-p384", "EC P-384")]
    [InlineData("rsa-2048", "RSA 2048")]
    public async Task BackupKey_WritesPrivateKeyAndCsr_PrintsTheirPin(string algorithm, string keyType)
    {
        var run = await CliRunner.RunAsync("backup-key", "--out", _dir.Path, "--subject", "CN=api.exchange.test, O=Exchange", "--algorithm", algorithm);
        Assert.True(run.Exit == 0, run.ToString());
        var pin = run.Out.Trim();
        var key = _dir.File("backup.key.pem");
        var csr = _dir.File("backup.csr.pem");
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(key));
        }

        var request = Assert.Single(PinSource.ReadAll(File.ReadAllBytes(csr)));
        Assert.Equal(PinSourceKind.CertificateRequest, request.Kind);
        Assert.Equal(pin, request.Pin.ToString());
        Assert.Equal(keyType, request.KeyAlgorithm);
        Assert.Equal("CN=api.exchange.test, O=Exchange", request.Subject);

        var pub = _dir.File("backup.pub");
        OpenSsl.Run(_dir.Path, "pkey", "-in", key, "-pubout", "-out", pub);
        Assert.Equal(pin, OpenSsl.PinOfPublicKeyPem(_dir.Path, pub));
    }

    [Fact]
    public async Task BackupKey_KeyExists_Exit2AndUntouched()
    {
        Assert.Equal(0, (await CliRunner.RunAsync("backup-key", "--out", _dir.Path, "--subject", "CN=a")).Exit);
        var before = File.ReadAllText(_dir.File("backup.key.pem"));
        var again = await CliRunner.RunAsync("backup-key", "--out", _dir.Path, "--subject", "CN=a");
        Assert.Equal(2, again.Exit);
        Assert.Contains("already exists", again.Error, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllText(_dir.File("backup.key.pem")));
    }

    [Fact]
    public async Task BackupKey_BadSubjectOrAlgorithm_Exit2()
    {
        var subject = await CliRunner.RunAsync("backup-key", "--out", _dir.Path, "--subject", "not a name");
        Assert.Equal(2, subject.Exit);
        Assert.Contains("--subject 'not a name'", subject.Error, StringComparison.Ordinal);
        var algorithm = await CliRunner.RunAsync("backup-key", "--out", _dir.Path, "--subject", "CN=a", "--algorithm", "dsa-1024");
        Assert.Equal(2, algorithm.Exit);
    }
}
