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
        Policies = [new PinPolicyConfiguration { Hosts = [host], Pins = [SpkiPin.FromSubjectPublicKeyInfo("a"u8).ToString(), SpkiPin.FromSubjectPublicKeyInfo("b"u8).ToString()] }],
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
        { "header-not-json", PinBundleRefusal.Malformed, "header is not UTF-8 JSON" },
        { "payload-extra-member", PinBundleRefusal.Malformed, "has the member 'admin'" },
        { "payload-version-twice", PinBundleRefusal.Malformed, "has the member 'version' twice" },
        { "payload-version-text", PinBundleRefusal.Malformed, "version is \"8\"" },
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

    /// <summary>Each forgery built from a good bundle's parts, as an attacker would.</summary>
    private string Forge(string forgery)
    {
        var good = Signed().Split('.');
        string header = Text(good[0]), payload = Text(good[1]), signature = good[2];
        string Encoded(string json) => Base64Url(Encoding.UTF8.GetBytes(json));
        string Resigned(string h, string p) => $"{Encoded(h)}.{Encoded(p)}.{Base64Url(_key.SignData(Encoding.ASCII.GetBytes($"{Encoded(h)}.{Encoded(p)}"), HashAlgorithmName.SHA256))}";
        return forgery switch
        {
            "alg-none" => $"{Encoded(header.Replace("ES256", "none", StringComparison.Ordinal))}.{good[1]}.{signature}",
            "alg-none-empty-signature" => $"{Encoded(header.Replace("ES256", "none", StringComparison.Ordinal))}.{good[1]}.",
            "hs256-with-public-key" => Hs256(header.Replace("ES256", "HS256", StringComparison.Ordinal), good[1]),
            "unknown-kid" => PinBundle.Sign(Configuration(), 7, Now, Now.AddDays(1), _otherKey),
            "trusted-kid-other-key" => OtherKeyUnderTrustedKid(header, good[1]),
            "payload-altered" => $"{good[0]}.{Encoded(payload.Replace("\"version\":7", "\"version\":9", StringComparison.Ordinal))}.{signature}",
            "der-signature" => $"{good[0]}.{good[1]}.{Base64Url(DerSignature(Decode(signature)))}",
            "padded-base64" => $"{good[0]}.{good[1]}.{signature}==",
            "standard-base64" => $"{good[0]}.{good[1].Replace('-', '+').Replace('_', '/')}+/.{signature}",
            "two-parts" => $"{good[0]}.{good[1]}",
            "embedded-jwk" => Resigned(header[..^1] + ",\"jwk\":{\"kty\":\"EC\"}}", payload),
            "crit" => Resigned(header[..^1] + ",\"crit\":[\"exp\"]}", payload),
            "duplicate-alg" => Resigned(header[..^1] + ",\"alg\":\"none\"}", payload),
            "wrong-typ" => Resigned(header.Replace("pinset-bundle", "JWT", StringComparison.Ordinal), payload),
            "header-not-json" => Resigned("not json", payload),
            "payload-extra-member" => Resigned(header, payload[..^1] + ",\"admin\":true}"),
            "payload-version-twice" => Resigned(header, payload.Replace("\"version\":7", "\"version\":7,\"version\":8", StringComparison.Ordinal)),
            "payload-version-text" => Resigned(header, payload.Replace("\"version\":7", "\"version\":\"8\"", StringComparison.Ordinal)),
            "payload-local-time" => Resigned(header, payload.Replace("Z\"", "+02:00\"", StringComparison.Ordinal)),
            "payload-no-backup-pin" => Resigned(header, payload.Replace($"\"{SpkiPin.FromSubjectPublicKeyInfo("b"u8)}\"", $"\"{SpkiPin.FromSubjectPublicKeyInfo("a"u8)}\"", StringComparison.Ordinal)),
            "payload-no-pinning" => Resigned(header, payload[..payload.IndexOf(",\"pinning\"", StringComparison.Ordinal)] + "}"),
            "issued-in-the-future" => Signed(issuedAt: Now.AddHours(1)),
            "expired" => Signed(issuedAt: Now.AddDays(-31)),
            "too-large" => Signed() + new string(' ', PinBundle.MaxLength),
            _ => throw new ArgumentOutOfRangeException(nameof(forgery)),
        };
    }

    /// <summary>The classic confusion: HMAC with the verifier's public key (which is public) as the secret.</summary>
    private string Hs256(string header, string payload)
    {
        var input = $"{Base64Url(Encoding.UTF8.GetBytes(header))}.{payload}";
        return $"{input}.{Base64Url(HMACSHA256.HashData(Encoding.ASCII.GetBytes(_key.ExportSubjectPublicKeyInfoPem()), Encoding.ASCII.GetBytes(input)))}";
    }

    private string OtherKeyUnderTrustedKid(string header, string payload)
    {
        var input = $"{Base64Url(Encoding.UTF8.GetBytes(header))}.{payload}";
        return $"{input}.{Base64Url(_otherKey.SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256))}";
    }

    private static string Text(string part) => Encoding.UTF8.GetString(Decode(part));

    private static byte[] Decode(string part) => Convert.FromBase64String(part.Replace('-', '+').Replace('_', '/').PadRight(part.Length + ((4 - (part.Length % 4)) % 4), '='));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>openssl's DER ECDSA-Sig-Value as JWS's r||s, each 32 bytes.</summary>
    private static byte[] RawSignature(byte[] der)
    {
        var sequence = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
        var r = sequence.ReadIntegerBytes().ToArray().SkipWhile(b => b == 0).ToArray();
        var s = sequence.ReadIntegerBytes().ToArray().SkipWhile(b => b == 0).ToArray();
        return [.. new byte[32 - r.Length], .. r, .. new byte[32 - s.Length], .. s];
    }

    private static byte[] DerSignature(byte[] raw)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteIntegerUnsigned(raw.AsSpan(0, 32));
            writer.WriteIntegerUnsigned(raw.AsSpan(32, 32));
        }

        return writer.Encode();
    }
}
