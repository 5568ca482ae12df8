using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Text;

namespace Pinset.Tests;

/// <summary>
/// Pin bundles: what verifies, and every forged, altered, replayed or malformed bundle refused with its reason; and
/// ES256 both ways with openssl (a bundle whose signature openssl made verifies here; openssl verifies ours).
/// </summary>
public sealed class PinBundleTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ECDsa _otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly TempDirectory _dir = new();

    public void Dispose()
    {
        _key.Dispose();
        _otherKey.Dispose();
        _dir.Dispose();
    }

    private PinBundleKey Trusted => PinBundleKey.FromPublicKey(_key);

    private static PinningConfiguration Configuration(string host = "api.exchange.example") => new()
    {
        Policies = [new HostPolicyConfiguration { Hosts = [host], Pins = [SpkiPin.FromSubjectPublicKeyInfo("a"u8).ToString(), SpkiPin.FromSubjectPublicKeyInfo("b"u8).ToString()] }],
    };

    private string Signed(long version = 7, TimeSpan? validFor = null, DateTimeOffset? issuedAt = null) =>
        PinBundle.Sign(Configuration(), version, issuedAt ?? Now.AddHours(-1), (issuedAt ?? Now.AddHours(-1)) + (validFor ?? TimeSpan.FromDays(30)), _key);

    [Fact]
    public void SignThenVerify_CarriesVersionTimesAndPolicy()
    {
        var bundle = PinBundle.Verify(Signed(), [Trusted], Now);
        Assert.Equal(7, bundle.Version);
        Assert.Equal(Now.AddHours(-1), bundle.Content.IssuedAt);
        Assert.Equal(Now.AddHours(-1).AddDays(30), bundle.Expires);
        Assert.Equal(Trusted.Id, bundle.Content.KeyId);
        Assert.NotNull(bundle.Policy.Find("api.exchange.example"));
        Assert.StartsWith("{\"alg\":\"ES256\",\"typ\":\"pinset-bundle\",\"kid\":\"sha256/", bundle.Content.HeaderJson, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_AnyOfSeveralTrustedKeys_SoSigningKeysCanRotate()
    {
        var rotated = PinBundle.Sign(Configuration(), 8, Now, Now.AddDays(1), _otherKey);
        Assert.Equal(8, PinBundle.Verify(rotated, [Trusted, PinBundleKey.FromPublicKey(_otherKey)], Now).Version);
    }

    public static TheoryData<string, PinBundleRefusal, string> Forgeries => new()
    {
        { "alg-none", PinBundleRefusal.UnsupportedAlgorithm, "names the algorithm \"none\"" },
        { "alg-none-empty-signature", PinBundleRefusal.Malformed, "signature is not base64url" },
        { "hs256-with-public-key", PinBundleRefusal.UnsupportedAlgorithm, "names the algorithm \"HS256\"" },
        { "unknown-kid", PinBundleRefusal.UnknownKey, "which is not trusted" },
        { "trusted-kid-other-key", PinBundleRefusal.BadSignature, "does not verify" },
        { "payload-altered", PinBundleRefusal.BadSignature, "does not verify" },
        { "der-signature", PinBundleRefusal.BadSignature, "does not verify" },
        { "padded-base64", PinBundleRefusal.Malformed, "is not base64url" },
        { "standard-base64", PinBundleRefusal.Malformed, "is not base64url" },
        { "two-parts", PinBundleRefusal.Malformed, "has 2 part(s)" },
        { "embedded-jwk", PinBundleRefusal.Malformed, "has the member 'jwk'" },
        { "crit", PinBundleRefusal.Malformed, "has the member 'crit'" },
        { "duplicate-alg", PinBundleRefusal.Malformed, "has the member 'alg' twice" },
        { "wrong-typ", PinBundleRefusal.Malformed, "has the type \"JWT\"" },
        { "header-not-json", PinBundleRefusal.Malformed, "'the bundle's header' is not valid JSON" },
        { "header-trailing-json", PinBundleRefusal.Malformed, "'the bundle's header' is not valid JSON: at line 1" },
        { "payload-comment", PinBundleRefusal.Malformed, "'the bundle's payload' is not valid JSON: at line 1, column 1" },
        { "payload-bom", PinBundleRefusal.Malformed, "'the bundle's payload' is not valid JSON: at line 1, column 1" },
        { "payload-extra-member", PinBundleRefusal.Malformed, "has the member 'admin'" },
        { "payload-version-twice", PinBundleRefusal.Malformed, "has the member 'version' twice" },
        { "payload-version-text", PinBundleRefusal.Malformed, "version is \"7\"" },
        { "payload-local-time", PinBundleRefusal.Malformed, "expected an RFC 3339 UTC time" },
        { "payload-no-backup-pin", PinBundleRefusal.InvalidPolicy, "backup" },
        { "payload-no-pinning", PinBundleRefusal.InvalidPolicy, "has no 'pinning' object" },
        { "issued-in-the-future", PinBundleRefusal.NotYetValid, "later than now" },
        { "expired", PinBundleRefusal.Expired, "expired at" },
        { "too-large", PinBundleRefusal.TooLarge, "the longest read is 1048576" },
    };

    [Theory]
    [MemberData(nameof(Forgeries))]
    public void Verify_Forgery_RefusedWithItsReason(string forgery, PinBundleRefusal reason, string said)
    {
        var error = Assert.Throws<PinBundleException>(() => PinBundle.Verify(Forge(forgery), [Trusted], Now));
        Assert.Equal(reason, error.Reason);
        Assert.Contains(said, error.Message, StringComparison.Ordinal);
        if (reason == PinBundleRefusal.Malformed)
        {
            Assert.DoesNotContain("pinning configuration", error.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("PRIVATE KEY")]
    [InlineData("EC PRIVATE KEY")]
    public void TrustedKey_APrivateKeyPem_RefusedByName(string label)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var pem = label == "PRIVATE KEY" ? key.ExportPkcs8PrivateKeyPem() : key.ExportECPrivateKeyPem();
        var error = Assert.Throws<PinsetFormatException>(() => PinBundleKey.FromPublicKeyPem(pem, "signer.key"));
        Assert.Equal($"'signer.key' holds a private key ('-----BEGIN {label}-----'); a trusted bundle key is the public key (NAME.pub from 'pinset bundle keygen'). Whoever has the private key can sign bundles: never ship it with an app.", error.Message);
    }

    [Fact]
    public void Verify_IssuedWithinTheClockSkew_Accepted()
    {
        var bundle = PinBundle.Verify(Signed(issuedAt: Now.AddMinutes(4)), [Trusted], Now);
        Assert.Equal(7, bundle.Version);
        Assert.Throws<PinBundleException>(() => PinBundle.Verify(Signed(issuedAt: Now.AddMinutes(4)), [Trusted], Now, TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public void Sign_RefusesWhatCouldNeverVerify()
    {
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        Assert.Contains("P-256", Assert.Throws<ArgumentException>(() => PinBundle.Sign(Configuration(), 1, Now, Now.AddDays(1), p384)).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => PinBundle.Sign(Configuration(), 0, Now, Now.AddDays(1), _key));
        Assert.Throws<ArgumentException>(() => PinBundle.Sign(Configuration(), 1, Now, Now, _key));
        Assert.Throws<PinningConfigurationException>(() => PinBundle.Sign(new PinningConfiguration(), 1, Now, Now.AddDays(1), _key));
        Assert.Throws<PinsetFormatException>(() => PinBundleKey.FromPublicKeyPem(p384.ExportSubjectPublicKeyInfoPem()));
    }

    [Fact]
    public void Inspect_ReadsWithoutVerifying()
    {
        var content = PinBundle.Inspect(Forge("trusted-kid-other-key"));
        Assert.Equal(7, content.Version);
        Assert.Equal(Trusted.Id, content.KeyId);
    }

    [RequiresToolsFact("openssl")]
    public void OpenSsl_SignsABundleThatVerifiesHere_AndVerifiesOurs()
    {
        var privatePem = _dir.File("signing.key");
        var publicPem = _dir.File("signing.pub");
        OpenSsl.Run(_dir.Path, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", privatePem);
        OpenSsl.Run(_dir.Path, "pkey", "-in", privatePem, "-pubout", "-out", publicPem);
        var key = PinBundleKey.FromPublicKeyPem(File.ReadAllText(publicPem));

        // openssl signs a bundle assembled here by hand (not by PinBundle.Sign); its DER signature becomes r||s.
        var header = Base64Url(Encoding.UTF8.GetBytes($$"""{"typ":"pinset-bundle","kid":"{{key.Id}}","alg":"ES256"}"""));
        var payload = Base64Url(Encoding.UTF8.GetBytes($$"""{"pinning":{"policies":[{"hosts":["api.exchange.example"],"pins":["{{SpkiPin.FromSubjectPublicKeyInfo("a"u8)}}","{{SpkiPin.FromSubjectPublicKeyInfo("b"u8)}}"]}]},"expires":"2027-01-01T00:00:00Z","version":41,"issuedAt":"2026-12-01T00:00:00Z"}"""));
        File.WriteAllText(_dir.File("input"), $"{header}.{payload}");
        OpenSsl.Run(_dir.Path, "dgst", "-sha256", "-sign", privatePem, "-out", "signature.der", "input");
        var bundle = $"{header}.{payload}.{Base64Url(RawSignature(File.ReadAllBytes(_dir.File("signature.der"))))}";
        Assert.Equal(41, PinBundle.Verify(bundle, [key], Now).Version);

        // And ours, signed by PinBundle.Sign, verified by openssl from its parts.
        var ours = Signed().Split('.');
        File.WriteAllText(_dir.File("ours"), $"{ours[0]}.{ours[1]}");
        File.WriteAllText(_dir.File("ours.pub"), _key.ExportSubjectPublicKeyInfoPem());
        File.WriteAllBytes(_dir.File("ours.der"), DerSignature(Decode(ours[2])));
        Assert.Contains("Verified OK", OpenSsl.Run(_dir.Path, "dgst", "-sha256", "-verify", "ours.pub", "-signature", "ours.der", "ours"), StringComparison.Ordinal);
    }

    private string Forge(string forgery) => forgery switch
    {
        "unknown-kid" => PinBundle.Sign(Configuration(), 7, Now, Now.AddDays(1), _otherKey),
        "issued-in-the-future" => Signed(issuedAt: Now.AddHours(1)),
        "expired" => Signed(issuedAt: Now.AddDays(-31)),
        "too-large" => Signed() + new string(' ', PinBundle.MaxLength),
        _ => new BundleForger(_key, _otherKey).Forge(forgery, Signed()),
    };

    private static string Text(string part) => Encoding.UTF8.GetString(BundleForger.Decode(part));

    private static byte[] Decode(string part) => BundleForger.Decode(part);

    private static string Base64Url(byte[] bytes) => BundleForger.Base64Url(bytes);

    /// <summary>openssl's DER ECDSA-Sig-Value as JWS's r||s, each 32 bytes.</summary>
    private static byte[] RawSignature(byte[] der)
    {
        var sequence = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
        var r = sequence.ReadIntegerBytes().ToArray().SkipWhile(b => b == 0).ToArray();
        var s = sequence.ReadIntegerBytes().ToArray().SkipWhile(b => b == 0).ToArray();
        return [.. new byte[32 - r.Length], .. r, .. new byte[32 - s.Length], .. s];
    }

    private static byte[] DerSignature(byte[] raw) => BundleForger.DerSignature(raw);
}
