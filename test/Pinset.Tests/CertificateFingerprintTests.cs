namespace Pinset.Tests;

public sealed class CertificateFingerprintTests
{
    [Fact]
    public void Parse_WithAndWithoutColonsAndLabel_SameFingerprint()
    {
        var hex = string.Concat(Enumerable.Range(0, 32).Select(i => i.ToString("X2", System.Globalization.CultureInfo.InvariantCulture)));
        var colons = string.Join(':', hex.Chunk(2).Select(c => new string(c)));
        var parsed = CertificateFingerprint.Parse(hex);
        Assert.Equal(parsed, CertificateFingerprint.Parse(colons.ToLowerInvariant()));
        Assert.Equal(parsed, CertificateFingerprint.Parse("sha256 Fingerprint=" + colons));
        Assert.Equal(colons, parsed.ToString());
    }

    [Theory]
    [InlineData("AB:CD")]
    [InlineData("ZZ00000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE-FF")]
    public void Parse_Malformed_ThrowsQuotingValue(string value)
    {
        var error = Assert.Throws<PinsetFormatException>(() => CertificateFingerprint.Parse(value));
        Assert.Contains($"'{value}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("64 hexadecimal digits", error.Message, StringComparison.Ordinal);
    }
}
