using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using Xunit.Abstractions;

namespace Pinset.Bundles.OutsideTests;

/// <summary>PinBundle.Verify, the core check every client relies on, against hand-made JWS texts.</summary>
public sealed class VerifyTests(ITestOutputHelper output)
{
    private static readonly ECDsa Signer = Jws.NewKey();
    private static readonly ECDsa Other = Jws.NewKey();
    private static readonly string PinA = Jws.Pin(Jws.NewKey());
    private static readonly string PinB = Jws.Pin(Jws.NewKey());
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    private static PinBundleKey[] Keys => [PinBundleKey.FromPublicKeyPem(Signer.ExportSubjectPublicKeyInfoPem(), "signer.pub")];

    private static string Pinning => Jws.PinningJson(PinA, PinB);

    private static string GoodPayload(string version = "7") => Jws.Payload(version, Jws.Time(Now.AddMinutes(-1)), Jws.Time(Now.AddDays(7)), Pinning);

    private static string Good => Jws.Sign(Signer, Jws.Header(Signer), GoodPayload());

    private PinBundleException Refused(string text)
    {
        var error = Record.Exception(() => PinBundle.Verify(text, Keys, Now));
        output.WriteLine(error?.GetType().Name + ": " + error?.Message);
        Assert.NotNull(error);
        return Assert.IsType<PinBundleException>(error);
    }

    [Fact]
    public void Verify_HandMadeBundle_IsAccepted()
    {
        var bundle = PinBundle.Verify(Good, Keys, Now);
        Assert.Equal(7, bundle.Version);
    }

    [Fact]
    public void Verify_BundleSignedByOtherTool_IsAcceptedAndSameAsPinsetsOwn()
    {
        var own = PinBundle.Sign(PinningConfigurationJson.Parse($"{{\"pinning\":{Pinning}}}"), 7, Now.AddMinutes(-1), Now.AddDays(7), Signer);
        Assert.Equal(7, PinBundle.Verify(own, Keys, Now).Version);
    }

    public static TheoryData<string, PinBundleRefusal?> HeaderForgeries()
    {
        string pin = Jws.Pin(Signer);
        return new()
        {
            { $"{{\"alg\":\"none\",\"typ\":\"pinset-bundle\",\"kid\":\"{pin}\"}}", PinBundleRefusal.UnsupportedAlgorithm },
            { $"{{\"alg\":\"ES384\",\"typ\":\"pinset-bundle\",\"kid\":\"{pin}\"}}", PinBundleRefusal.UnsupportedAlgorithm },
            { $"{{\"alg\":\"es256\",\"typ\":\"pinset-bundle\",\"kid\":\"{pin}\"}}", PinBundleRefusal.UnsupportedAlgorithm },
            { $"{{\"alg\":\"ES256K\",\"typ\":\"pinset-bundle\",\"kid\":\"{pin}\"}}", PinBundleRefusal.UnsupportedAlgorithm },
            { $"{{\"typ\":\"pinset-bundle\",\"kid\":\"{pin}\"}}", null },
            { $"{{\"alg\":\"ES256\",\"kid\":\"{pin}\"}}", null },
            { $"{{\"alg\":\"ES256\",\"typ\":\"pinset-bundle\"}}", null },
            { $"{{\"alg\":\"ES256\",\"typ\":\"JWT\",\"kid\":\"{pin}\"}}", null },
            { $"{{\"alg\":\"ES256\",\"typ\":\"PINSET-BUNDLE\",\"kid\":\"{pin}\"}}", null },
            { $"{{\"alg\":\"ES256\",\"typ\":\"pinset-bundle\",\"kid\":\"{pin}\",\"jwk\":{{\"kty\":\"EC\"}}}}", null },
            { $"{{\"alg\":\"ES256\",\"typ\":\"pinset-bundle\",\"kid\":\"{pin}\",\"x5u\":\"https://evil.example/k\"}}", null },
            { $"{{\"alg\":\"ES256\",\"typ\":\"pinset-bundle\",\"kid\":\"{pin}\",\"crit\":[\"b64\"],\"b64\":false}}", null },
            { $"{{\"alg\":\"ES256\",\"typ\":\"pinset-bundle\",\"kid\":\"{pin}\",\"b64\":false}}", null },
            { $"{{\"alg\":\"ES256\",\"typ\":\"pinset-bundle\",\"kid\":\"{pin}\",\"cty\":\"json\"}}", null },
            { $"{{\"alg\":\"ES256\",\"typ\":\"pinset-bundle\",\"kid\":\"{pin}\",\"alg\":\"ES256\"}}", null },
            { $"{{\"alg\":\"ES256\",\"typ\":\"pinset-bundle\",\"kid\":\"{pin}\",\"kid\":\"{pin}\"}}", null },
            { $"{{\"alg\":\"ES256\",\"ALG\":\"none\",\"typ\":\"pinset-bundle\",\"kid\":\"{pin}\"}}", null },
            { $"[{{\"alg\":\"ES256\",\"typ\":\"pinset-bundle\",\"kid\":\"{pin}\"}}]", null },
            { $"{{\"alg\":[\"ES256\"],\"typ\":\"pinset-bundle\",\"kid\":\"{pin}\"}}", null },
            { $"{{\"alg\":\"ES256\",\"typ\":\"pinset-bundle\",\"kid\":\"{pin.Replace("sha256/", "", StringComparison.Ordinal)}\"}}", null },
            { "null", null },
        };
    }

    /// <summary>Every header but the exact three members is refused, even when the signature by the trusted key is valid.</summary>
    [Theory]
    [MemberData(nameof(HeaderForgeries))]
    public void Verify_HeaderOtherThanExactlyAlgTypKid_IsRefused(string header, PinBundleRefusal? reason)
    {
        var error = Refused(Jws.Sign(Signer, header, GoodPayload()));
        if (reason is { } expected)
        {
            Assert.Equal(expected, error.Reason);
        }
    }

    /// <summary>Insignificant JSON whitespace in the header is still exactly the three members: accepted (a probe of the edge).</summary>
    [Fact]
    public void Verify_HeaderWithJsonWhitespace_IsAccepted() =>
        PinBundle.Verify(Jws.Sign(Signer, Jws.Header(Signer) + " ", GoodPayload()), Keys, Now);

    /// <summary>
    /// unclear-error: a header with a second JSON value after it is refused (good), but the message says "The pinning
    /// configuration is not valid", which sends the publisher to the wrong place: the header is not a pinning configuration.
    /// </summary>
    [Fact]
    public void Verify_HeaderWithTrailingJson_MessageDoesNotBlameThePinningConfiguration()
    {
        var error = Refused(Jws.Sign(Signer, Jws.Header(Signer) + "{}", GoodPayload()));
        Assert.DoesNotContain("pinning configuration", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Verify_Hs256WithPublicKeyAsSecret_IsRefused()
    {
        var header = Jws.Enc(Jws.Header(Signer).Replace("ES256", "HS256", StringComparison.Ordinal));
        var input = $"{header}.{Jws.Enc(GoodPayload())}";
        foreach (var secret in new[] { Signer.ExportSubjectPublicKeyInfoPem(), Convert.ToBase64String(Signer.ExportSubjectPublicKeyInfo()) })
        {
            var mac = HMACSHA256.HashData(Encoding.ASCII.GetBytes(secret), Encoding.ASCII.GetBytes(input));
            Assert.Equal(PinBundleRefusal.UnsupportedAlgorithm, Refused($"{input}.{Jws.B64(mac)}").Reason);
        }

        // And raw DER SPKI as the secret.
        var raw = HMACSHA256.HashData(Signer.ExportSubjectPublicKeyInfo(), Encoding.ASCII.GetBytes(input));
        Assert.Equal(PinBundleRefusal.UnsupportedAlgorithm, Refused($"{input}.{Jws.B64(raw)}").Reason);
    }

    [Fact]
    public void Verify_TrustedKidSignedByAnotherKey_IsBadSignature() =>
        Assert.Equal(PinBundleRefusal.BadSignature, Refused(Jws.Sign(Other, Jws.Header(Signer), GoodPayload())).Reason);

    [Fact]
    public void Verify_UntrustedKidSignedByTrustedKey_IsUnknownKey() =>
        Assert.Equal(PinBundleRefusal.UnknownKey, Refused(Jws.Sign(Signer, Jws.Header(Other), GoodPayload())).Reason);

    public static TheoryData<string> Encodings() =>
    [
        "padded", "standard-alphabet", "space-inside", "four-parts", "trailing-dot", "leading-dot", "two-parts",
        "der-signature", "short-signature", "long-signature", "noncanonical-last-char", "empty", "bom-inside-header",
        "newline-inside", "tab-inside", "zero-signature", "r-equals-n",
    ];

    /// <summary>Lax encodings of a good bundle: one text per bundle, no malleability.</summary>
    [Theory]
    [MemberData(nameof(Encodings))]
    public void Verify_LaxOrBrokenEncoding_IsRefused(string kind)
    {
        var parts = Good.Split('.');
        var sig = Jws.Dec(parts[2]);
        string text = kind switch
        {
            "padded" => $"{parts[0]}.{parts[1]}.{parts[2]}==",
            "standard-alphabet" => StandardAlphabet(),
            "space-inside" => $"{parts[0]}.{parts[1][..10]} {parts[1][10..]}.{parts[2]}",
            "four-parts" => $"{Good}.{parts[2]}",
            "trailing-dot" => $"{Good}.",
            "leading-dot" => $".{Good}",
            "two-parts" => $"{parts[0]}.{parts[1]}",
            "der-signature" => $"{parts[0]}.{parts[1]}.{Jws.B64(Der(sig))}",
            "short-signature" => $"{parts[0]}.{parts[1]}.{Jws.B64(sig[..63])}",
            "long-signature" => $"{parts[0]}.{parts[1]}.{Jws.B64([.. sig, 0])}",
            "noncanonical-last-char" => $"{parts[0]}.{parts[1]}.{NonCanonical(parts[2])}",
            "empty" => string.Empty,
            "bom-inside-header" => $"{Jws.B64([0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(Jws.Header(Signer))])}.{parts[1]}.{parts[2]}",
            "newline-inside" => $"{parts[0]}.\n{parts[1]}.{parts[2]}",
            "tab-inside" => $"{parts[0]}.{parts[1]}\t.{parts[2]}",
            "zero-signature" => $"{parts[0]}.{parts[1]}.{Jws.B64(new byte[64])}",
            "r-equals-n" => $"{parts[0]}.{parts[1]}.{Jws.B64([.. OrderBytes, .. sig[32..]])}",
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
        Refused(text);
    }

    private static string StandardAlphabet()
    {
        while (true)
        {
            var text = Good;
            if (text.Contains('-', StringComparison.Ordinal) || text.Contains('_', StringComparison.Ordinal))
            {
                return text.Replace('-', '+').Replace('_', '/');
            }
        }
    }

    /// <summary>The same signature with the unused low bits of its last base64url character set: same bytes, another text.</summary>
    private static string NonCanonical(string part)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        int last = alphabet.IndexOf(part[^1], StringComparison.Ordinal);
        // 64 bytes -> 86 characters: the last carries 4 bits of data and 2 unused bits.
        return part[..^1] + alphabet[last | 0b11];
    }

    private static readonly BigInteger Order = BigInteger.Parse("0FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", System.Globalization.NumberStyles.HexNumber);

    private static byte[] OrderBytes => Order.ToByteArray(isUnsigned: true, isBigEndian: true);

    private static byte[] Der(byte[] raw)
    {
        var writer = new System.Formats.Asn1.AsnWriter(System.Formats.Asn1.AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteIntegerUnsigned(raw.AsSpan(0, 32));
            writer.WriteIntegerUnsigned(raw.AsSpan(32, 32));
        }

        return writer.Encode();
    }

    /// <summary>
    /// ECDSA's (r, n - s) verifies too. JWS does not forbid it; what matters is that it does not count as a second,
    /// different bundle under the same version (it carries the same content). Records what Pinset does.
    /// </summary>
    [Fact]
    public void Verify_HighSTwinOfGoodSignature_IsRefusedOrSameContent()
    {
        var parts = Good.Split('.');
        var sig = Jws.Dec(parts[2]);
        var s = new BigInteger(sig.AsSpan(32), isUnsigned: true, isBigEndian: true);
        var twinS = (Order - s).ToByteArray(isUnsigned: true, isBigEndian: true);
        var padded = new byte[32];
        twinS.CopyTo(padded, 32 - twinS.Length);
        var twin = $"{parts[0]}.{parts[1]}.{Jws.B64([.. sig[..32], .. padded])}";
        var error = Record.Exception(() => PinBundle.Verify(twin, Keys, Now));
        output.WriteLine(error is null ? "high-S accepted" : $"high-S refused: {error.Message}");
        if (error is null)
        {
            Assert.Equal(PinBundle.Verify(Good, Keys, Now).Content.ContentHash, PinBundle.Verify(twin, Keys, Now).Content.ContentHash);
        }
        else
        {
            Assert.IsType<PinBundleException>(error);
        }
    }

    [Fact]
    public void Verify_OneBitFlippedAnywhereInPayload_IsRefused()
    {
        var parts = Good.Split('.');
        var payload = Jws.Dec(parts[1]);
        for (int i = 0; i < payload.Length; i += 7)
        {
            var altered = (byte[])payload.Clone();
            altered[i] ^= 0x01;
            Refused($"{parts[0]}.{Jws.B64(altered)}.{parts[2]}");
        }
    }

    public static TheoryData<string> BadVersions() =>
    [
        "\"7\"", "7.0", "7e0", "1e3", "-1", "0", "9223372036854775808", "18446744073709551616", "null", "true", "[7]",
        "07", "+7", "-0", "7.5", "1E3", "0x7", "\"\"",
    ];

    /// <summary>The version is an integer from 1: any other spelling is refused, never rounded or wrapped.</summary>
    [Theory]
    [MemberData(nameof(BadVersions))]
    public void Verify_VersionThatIsNotAnIntegerFromOne_IsRefused(string version) =>
        Refused(Jws.Sign(Signer, Jws.Header(Signer), GoodPayload(version)));

    [Fact]
    public void Verify_VersionLongMaxValue_IsAccepted() =>
        Assert.Equal(long.MaxValue, PinBundle.Verify(Jws.Sign(Signer, Jws.Header(Signer), GoodPayload("9223372036854775807")), Keys, Now).Version);

    public static TheoryData<string> BadPayloads()
    {
        string issued = Jws.Time(Now.AddMinutes(-1)), expires = Jws.Time(Now.AddDays(7));
        return new()
        {
            // Extra or missing top-level members.
            $"{{\"version\":7,\"issuedAt\":\"{issued}\",\"expires\":\"{expires}\",\"pinning\":{Pinning},\"admin\":true}}",
            $"{{\"version\":7,\"issuedAt\":\"{issued}\",\"expires\":\"{expires}\"}}",
            $"{{\"version\":7,\"issuedAt\":\"{issued}\",\"pinning\":{Pinning}}}",
            $"{{\"version\":7,\"expires\":\"{expires}\",\"pinning\":{Pinning}}}",
            $"{{\"issuedAt\":\"{issued}\",\"expires\":\"{expires}\",\"pinning\":{Pinning}}}",
            // Duplicates: the second one must not silently win.
            $"{{\"version\":7,\"version\":99,\"issuedAt\":\"{issued}\",\"expires\":\"{expires}\",\"pinning\":{Pinning}}}",
            $"{{\"version\":7,\"issuedAt\":\"{issued}\",\"expires\":\"{expires}\",\"pinning\":{Pinning},\"pinning\":{{\"policies\":[]}}}}",
            $"{{\"version\":7,\"issuedAt\":\"{issued}\",\"expires\":\"{expires}\",\"expires\":\"2099-01-01T00:00:00Z\",\"pinning\":{Pinning}}}",
            // pinning that would not load, or null.
            $"{{\"version\":7,\"issuedAt\":\"{issued}\",\"expires\":\"{expires}\",\"pinning\":null}}",
            $"{{\"version\":7,\"issuedAt\":\"{issued}\",\"expires\":\"{expires}\",\"pinning\":{Jws.PinningJson(PinA)}}}",
            $"{{\"version\":7,\"issuedAt\":\"{issued}\",\"expires\":\"{expires}\",\"pinning\":{Jws.PinningJson("sha256/AAAA", PinB)}}}",
            // Not an object, trailing garbage, deep nesting.
            "[]",
            $"{{\"version\":7,\"issuedAt\":\"{issued}\",\"expires\":\"{expires}\",\"pinning\":{Pinning}}} x",
            $"{{\"version\":7,\"issuedAt\":\"{issued}\",\"expires\":\"{expires}\",\"pinning\":{{\"policies\":[{{\"hosts\":[\"{TestPki.DefaultHost}\"],\"pins\":[\"{PinA}\",\"{PinB}\"],\"x\":{new string('[', 5000)}{new string(']', 5000)}}}]}}}}",
            // Comments and trailing commas (lax JSON).
            $"{{\"version\":7,\"issuedAt\":\"{issued}\",\"expires\":\"{expires}\",\"pinning\":{Pinning},}}",
        };
    }

    [Theory]
    [MemberData(nameof(BadPayloads))]
    public void Verify_PayloadNotExactlyTheFourMembers_IsRefused(string payload) =>
        Refused(Jws.Sign(Signer, Jws.Header(Signer), payload));

    [Fact]
    public void Verify_PayloadNotUtf8_IsRefusedAsMalformed()
    {
        var bytes = Encoding.UTF8.GetBytes(GoodPayload());
        // Replace the 'a' of "api.exchange.test" with an invalid UTF-8 byte.
        int at = Array.IndexOf(bytes, (byte)'a', Encoding.UTF8.GetBytes(GoodPayload()).Length / 2);
        bytes[at] = 0xFF;
        var text = Jws.SignRawBytes(Signer, Jws.Enc(Jws.Header(Signer)), Jws.B64(bytes));
        Refused(text);
    }

    [Fact]
    public void Verify_PayloadWithBom_IsRefusedOrReadAsTheSame()
    {
        var text = Jws.SignRawBytes(Signer, Jws.Enc(Jws.Header(Signer)), Jws.B64([0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(GoodPayload())]));
        var error = Record.Exception(() => PinBundle.Verify(text, Keys, Now));
        output.WriteLine(error?.Message ?? "accepted");
        Assert.True(error is null or PinBundleException);
    }

    /// <summary>
    /// A signed bundle whose pinning has no policy. README: "a bad or empty policy file: refused"; bundles.md: the
    /// bundle is refused whole when pinning would not load as a policy file. Accepted, it would silently unpin every
    /// host the embedded configuration pinned.
    /// </summary>
    [Theory]
    [InlineData("{\"policies\":[]}")]
    [InlineData("{}")]
    public void Verify_PinningWithNoPolicy_IsRefusedAsInvalidPolicy(string pinning)
    {
        var text = Jws.Sign(Signer, Jws.Header(Signer), Jws.Payload("7", Jws.Time(Now.AddMinutes(-1)), Jws.Time(Now.AddDays(7)), pinning));
        Assert.Equal(PinBundleRefusal.InvalidPolicy, Refused(text).Reason);
    }

    [Fact]
    public void Verify_PolicyLoadsAsPolicyFile_WhenItsPinningIsEmpty_Probe()
    {
        // Does a policy file with no policies load at all? (For comparing with the bundle's behaviour.)
        var error = Record.Exception(() => PinningPolicy.Parse("{\"pinning\":{\"policies\":[]}}"));
        output.WriteLine(error?.Message ?? "an empty policy file loads");
    }

    public static TheoryData<string, string, string> Times()
    {
        static string T(TimeSpan offset) => Jws.Time(Now + offset);
        return new()
        {
            { "issued-10min-future", T(TimeSpan.FromMinutes(10)), T(TimeSpan.FromDays(7)) },
            { "expired-1s", T(TimeSpan.FromDays(-7)), T(TimeSpan.FromSeconds(-1)) },
            { "expires-before-issued-both-valid-now", T(TimeSpan.FromMinutes(4)), T(TimeSpan.FromMinutes(2)) },
            { "non-utc-offset", (Now.AddMinutes(-1)).ToOffset(TimeSpan.FromHours(2)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture), T(TimeSpan.FromDays(7)) },
            { "offset-zero-not-z", Now.AddMinutes(-1).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) + "+00:00", T(TimeSpan.FromDays(7)) },
            { "no-zone", Now.AddMinutes(-1).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture), T(TimeSpan.FromDays(7)) },
            { "date-only", Now.AddDays(-1).UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), T(TimeSpan.FromDays(7)) },
            { "leap-second", Now.AddDays(-1).UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) + "T23:59:60Z", T(TimeSpan.FromDays(7)) },
            { "unix-seconds", Now.AddMinutes(-1).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), T(TimeSpan.FromDays(7)) },
            { "year-10000", T(TimeSpan.FromMinutes(-1)), "10000-01-01T00:00:00Z" },
            { "month-13", T(TimeSpan.FromMinutes(-1)), "2099-13-01T00:00:00Z" },
            { "spaces", " " + T(TimeSpan.FromMinutes(-1)), T(TimeSpan.FromDays(7)) },
        };
    }

    [Theory]
    [MemberData(nameof(Times))]
    public void Verify_BadOrOutOfRangeTimes_AreRefused(string name, string issuedAt, string expires)
    {
        output.WriteLine(name);
        var payload = name == "unix-seconds"
            ? $"{{\"version\":7,\"issuedAt\":{issuedAt},\"expires\":\"{expires}\",\"pinning\":{Pinning}}}"
            : Jws.Payload("7", issuedAt, expires, Pinning);
        Refused(Jws.Sign(Signer, Jws.Header(Signer), payload));
    }

    [Fact]
    public void Verify_IssuedInFutureWithinSkew_IsAccepted() =>
        PinBundle.Verify(Jws.Sign(Signer, Jws.Header(Signer), Jws.Payload("7", Jws.Time(Now.AddMinutes(4)), Jws.Time(Now.AddDays(7)), Pinning)), Keys, Now);

    [Fact]
    public void Verify_IssuedInFutureBeyondSkew_IsNotYetValid() =>
        Assert.Equal(PinBundleRefusal.NotYetValid, Refused(Jws.Sign(Signer, Jws.Header(Signer), Jws.Payload("7", Jws.Time(Now.AddMinutes(6)), Jws.Time(Now.AddDays(7)), Pinning))).Reason);

    [Fact]
    public void Verify_FractionalSecondsUtc_IsAcceptedOrRefusedButNeverCrashes()
    {
        var issued = Now.AddMinutes(-1).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.123456789", System.Globalization.CultureInfo.InvariantCulture) + "Z";
        var error = Record.Exception(() => PinBundle.Verify(Jws.Sign(Signer, Jws.Header(Signer), Jws.Payload("7", issued, Jws.Time(Now.AddDays(7)), Pinning)), Keys, Now));
        output.WriteLine(error?.Message ?? "fractional seconds accepted");
        Assert.True(error is null or PinBundleException);
    }

    [Fact]
    public void Verify_TextOverMaxLength_IsTooLarge()
    {
        var text = Good + new string('A', PinBundle.MaxLength);
        Assert.Equal(PinBundleRefusal.TooLarge, Refused(text).Reason);
    }

    [Fact]
    public void Verify_WhitespaceAroundTheText_IsHandled()
    {
        // A file saved with a trailing newline, as editors and `echo` write it. Either answer is fine; a crash is not.
        foreach (var text in new[] { Good + "\n", Good + "\r\n", "\uFEFF" + Good, " " + Good })
        {
            var error = Record.Exception(() => PinBundle.Verify(text, Keys, Now));
            output.WriteLine($"{text.Length - Good.Length} extra: {error?.Message ?? "accepted"}");
            Assert.True(error is null or PinBundleException);
        }
    }

    public static TheoryData<string> BadKeys()
    {
        using var rsa = RSA.Create(2048);
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        using var p256 = Jws.NewKey();
        return
        [
            "garbage",
            string.Empty,
            rsa.ExportSubjectPublicKeyInfoPem(),
            p384.ExportSubjectPublicKeyInfoPem(),
            "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----",
        ];
    }

    /// <summary>bundles.md: a key that is not a P-256 public key in PEM is refused (so a private key is never embedded by mistake).</summary>
    [Theory]
    [MemberData(nameof(BadKeys))]
    public void BundleKey_NotAP256PublicKeyPem_IsRefused(string pem)
    {
        var error = Record.Exception(() => PinBundleKey.FromPublicKeyPem(pem, "k.pub"));
        output.WriteLine(error?.GetType().Name + ": " + error?.Message);
        Assert.NotNull(error);
    }

    /// <summary>
    /// FINDING (accepts-what-it-should-refuse): bundles.md says a trusted key that is not "a P-256 public key in PEM" is
    /// refused, and the key's error message says "is not an ECDSA P-256 public key in PEM ('-----BEGIN PUBLIC KEY-----')".
    /// A PKCS#8 or SEC1 private key PEM is accepted as a trusted key: an app can ship the signing key itself (copied
    /// by mistake from signer.key) and nothing says so; whoever unpacks the app can then sign bundles.
    /// </summary>
    [Theory]
    [InlineData("pkcs8")]
    [InlineData("sec1")]
    public void BundleKey_PrivateKeyPem_IsRefused(string form)
    {
        using var key = Jws.NewKey();
        var pem = form == "pkcs8" ? key.ExportPkcs8PrivateKeyPem() : key.ExportECPrivateKeyPem();
        var error = Record.Exception(() => PinBundleKey.FromPublicKeyPem(pem, "signer.key"));
        output.WriteLine(error?.Message ?? "a private key was accepted as a trusted bundle key");
        Assert.NotNull(error);
    }

    /// <summary>
    /// FINDING (accepts-what-it-should-refuse, low): bundles.md promises that "lax encodings are refused" and the
    /// payload is "UTF-8 JSON"; a JSON comment inside the signed payload is not JSON (RFC 8259) and another JOSE
    /// implementation would refuse the bundle, yet Pinset accepts it. It breaks "a Pinset bundle verifies elsewhere, and
    /// one signed elsewhere verifies in Pinset" in one direction.
    /// </summary>
    [Fact]
    public void Verify_PayloadWithJsonComment_IsRefused()
    {
        var payload = GoodPayload().Replace("\"version\":7,", "\"version\":7,/*c*/", StringComparison.Ordinal);
        Refused(Jws.Sign(Signer, Jws.Header(Signer), payload));
    }

    [Fact]
    public void BundleKey_PublicKeyFollowedByPrivateKeyInOneFile_IsRefused()
    {
        using var key = Jws.NewKey();
        var error = Record.Exception(() => PinBundleKey.FromPublicKeyPem(key.ExportSubjectPublicKeyInfoPem() + "\n" + key.ExportPkcs8PrivateKeyPem(), "k.pub"));
        output.WriteLine(error?.Message ?? "accepted");
        Assert.NotNull(error);
    }

    [Fact]
    public void BundleKey_FromPublicKeyGivenAPrivateKeyObject_YieldsThePublicPin()
    {
        using var key = Jws.NewKey();
        Assert.Equal(Jws.Pin(key), PinBundleKey.FromPublicKey(key).Id.ToString());
    }

    [Fact]
    public void Verify_NoTrustedKeys_RefusesAsUnknownKey() =>
        Assert.Equal(PinBundleRefusal.UnknownKey, Assert.IsType<PinBundleException>(Record.Exception(() => PinBundle.Verify(Good, [], Now))).Reason);

    [Fact]
    public void Verify_NegativeClockSkew_IsRejectedNotWidened()
    {
        var text = Jws.Sign(Signer, Jws.Header(Signer), Jws.Payload("7", Jws.Time(Now.AddMinutes(4)), Jws.Time(Now.AddDays(7)), Pinning));
        var error = Record.Exception(() => PinBundle.Verify(text, Keys, Now, TimeSpan.FromMinutes(-10)));
        output.WriteLine(error?.GetType().Name + ": " + error?.Message);
        Assert.NotNull(error);
    }
}
