namespace Pinset.Tests;

public sealed class SpkiPinTests
{
    private static readonly SpkiPin Sample = SpkiPin.FromSubjectPublicKeyInfo("sample"u8);

    [Fact]
    public void Parse_EveryWrittenForm_SamePin()
    {
        var base64 = Sample.ToBase64();
        Assert.Equal(Sample, SpkiPin.Parse($"sha256/{base64}"));
        Assert.Equal(Sample, SpkiPin.Parse($"sha256//{base64}"));
        Assert.Equal(Sample, SpkiPin.Parse($"pin-sha256=\"{base64}\""));
        Assert.Equal(Sample, SpkiPin.Parse($"  SHA256/{base64} "));
    }

    [Fact]
    public void ToString_Forms_RoundTrip()
    {
        Assert.Equal(Sample, SpkiPin.Parse(Sample.ToString()));
        Assert.Equal(Sample, SpkiPin.Parse(Sample.ToCurlString()));
        Assert.Equal(Sample, SpkiPin.Parse(Sample.ToHpkpString()));
        Assert.StartsWith("sha256//", Sample.ToCurlString(), StringComparison.Ordinal);
        Assert.Equal($"pin-sha256=\"{Sample.ToBase64()}\"", Sample.ToHpkpString());
    }

    [Fact]
    public void Parse_Base64StartingWithSlash_NotMistakenForCurlForm()
    {
        var bytes = new byte[32];
        bytes[0] = 0xFC; // base64 '/' first
        var pin = SpkiPin.FromSha256(bytes);
        Assert.StartsWith("sha256//", pin.ToString(), StringComparison.Ordinal);
        Assert.Equal(pin, SpkiPin.Parse(pin.ToString()));
        Assert.Equal(pin, SpkiPin.Parse(pin.ToCurlString()));
    }

    [Theory]
    [InlineData("sha256/AAAA", "is 3 bytes long; a SHA-256 pin is 32 bytes (44 base64 characters).")]
    [InlineData("sha256/AA==", "is 1 byte long; a SHA-256 pin is 32 bytes (44 base64 characters).")]
    [InlineData("sha256/A", "is 1 base64 character without '=' padding; a SHA-256 pin is 44, ending in one '='.")]
    [InlineData("sha256/not base64 at all!!", "has ' ' at character 4 of its base64, which standard base64 does not use")]
    [InlineData("sha1/AAAAAAAAAAAAAAAAAAAAAAAAAAA=", "does not start with 'sha256/'")]
    [InlineData("", "is empty")]
    [InlineData("pin-sha256=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "without quotes")]
    [InlineData("sha256/-_-_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "has '-' at character 1 of its base64, which standard base64 does not use (A-Z, a-z, 0-9, '+', '/', '=' padding); '-' and '_' are URL-safe base64, which no pin form uses.")]
    [InlineData("sha256/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB=", "is not canonical base64: the character before '=' is 'B', which sets bits that a 32-byte SHA-256 leaves zero, so no key has this pin.")]
    [InlineData("sha256/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=A=", "has '=' padding inside its base64; '=' may only end it.")]
    public void Parse_Malformed_ThrowsQuotingValue(string value, string expected)
    {
        var error = Assert.Throws<PinsetFormatException>(() => SpkiPin.Parse(value));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        if (value.Length > 0)
        {
            Assert.Contains($"'{value}'", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Parse_Sha512Length_SaysHowLongItIs()
    {
        var value = "sha256/" + Convert.ToBase64String(new byte[64]);
        var error = Assert.Throws<PinsetFormatException>(() => SpkiPin.Parse(value));
        Assert.Equal($"Pin '{value}' is 64 bytes long; a SHA-256 pin is 32 bytes (44 base64 characters).", error.Message);
    }

    [Fact]
    public void TryParse_Malformed_FalseWithoutThrowing()
    {
        Assert.False(SpkiPin.TryParse("sha256/AAAA", out _));
        Assert.False(SpkiPin.TryParse(null, out _));
        Assert.True(SpkiPin.TryParse(Sample.ToString(), out var pin));
        Assert.Equal(Sample, pin);
    }
}
