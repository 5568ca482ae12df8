using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Pinset.Formats;

namespace Pinset.AttackTests;

/// <summary>
/// Every parser of untrusted text or bytes, fed random and mutated input by FsCheck: each either parses or throws the
/// one documented <see cref="PinsetFormatException"/> with a message; never another exception, a crash or a hang.
/// </summary>
public sealed class HostileInputPropertyTests
{
    private static readonly SpkiPin Pin = SpkiPin.FromSubjectPublicKeyInfo("x"u8);

    [Fact]
    public void SpkiPinAndFingerprint_HostileText_OnlyFormatExceptionAndTryParseAgrees()
    {
        var inputs = HostileGen.TextFrom(Pin.ToString(), Pin.ToCurlString(), Pin.ToHpkpString(), CertificateFingerprint.FromDer("x"u8).ToString(), "sha256 Fingerprint=AB:CD");
        PropertyRun.Check(inputs, text =>
        {
            PropertyRun.OnlyFormatException(() => SpkiPin.Parse(text), text);
            PropertyRun.OnlyFormatException(() => CertificateFingerprint.Parse(text), text);
            Assert.Equal(Succeeds(() => SpkiPin.Parse(text)), SpkiPin.TryParse(text, out _));
            Assert.Equal(Succeeds(() => CertificateFingerprint.Parse(text)), CertificateFingerprint.TryParse(text, out _));
        }, tests: 3000);
    }

    [Fact]
    public void HostPatternAndHostName_HostileText_OnlyFormatExceptionAndTryNormalizeAgrees()
    {
        var inputs = HostileGen.TextFrom("**.bücher.exchange.com.", "*.api.exchange.com", "[::1]", "127.0.0.1", "*.co.uk", "xn--bcher-kva.example");
        PropertyRun.Check(inputs, text =>
        {
            PropertyRun.OnlyFormatException(() => HostPattern.Parse(text), text);
            PropertyRun.OnlyFormatException(() => HostName.Normalize(text), text);
            Assert.Equal(Succeeds(() => HostName.Normalize(text)), HostName.TryNormalize(text, out _));
        }, tests: 3000);
    }

    [Fact]
    public void PinSourceReadAll_HostileBytes_OnlyFormatException()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=fuzz", key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var inputs = HostileGen.BytesFrom(
            certificate.RawData,
            request.CreateSigningRequest(),
            key.ExportSubjectPublicKeyInfo(),
            Encoding.ASCII.GetBytes(certificate.ExportCertificatePem() + "\n" + certificate.ExportCertificatePem()),
            Encoding.ASCII.GetBytes(request.CreateSigningRequestPem()),
            Encoding.ASCII.GetBytes(rsa.ExportRSAPublicKeyPem()));
        PropertyRun.Check(inputs, bytes => PropertyRun.OnlyFormatException(() => PinSource.ReadAll(bytes, "fuzz"), bytes), tests: 3000);
    }

    [Fact]
    public void PolicyJson_HostileDocuments_OnlyFormatException()
    {
        var inputs = HostileGen.TextFrom($$$"""
            {"pinning": {"requirePinnedHosts": false, "policies": [{"hosts": ["api.exchange.com", "*.exchange.com"],
             "pins": ["{{{Pin}}}", "{{{Pin.ToCurlString()}}}"], "certificates": ["{{{CertificateFingerprint.FromDer("x"u8)}}}"],
             "bannedPins": [], "expires": "2027-06-30T00:00:00Z", "mode": "report-only", "reportUris": ["https://r.exchange.com/"]}]}}
            """);
        PropertyRun.Check(inputs, text => PropertyRun.OnlyFormatException(() => PinningPolicy.Parse(text), text), tests: 3000);
    }

    [Fact]
    public void AndroidNetworkSecurityConfig_HostileXml_OnlyFormatException()
    {
        var inputs = HostileGen.TextFrom($"""
            <?xml version="1.0" encoding="utf-8"?>
            <network-security-config><domain-config><domain includeSubdomains="true">exchange.com</domain>
            <pin-set expiration="2027-06-30"><pin digest="SHA-256">{Pin.ToBase64()}</pin><pin digest="SHA-256">{Pin.ToBase64()}</pin></pin-set>
            </domain-config></network-security-config>
            """, "<!DOCTYPE x [<!ENTITY a \"aaaa\">]><network-security-config>&a;</network-security-config>");
        PropertyRun.Check(inputs, text => PropertyRun.OnlyFormatException(() => PolicyFormats.AndroidNsc.Read(text, new PolicyFormatContext()), text), tests: 2000);
    }

    [Fact]
    public void HpkpHeader_HostileHeaders_OnlyFormatException()
    {
        var now = new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.Zero);
        var inputs = HostileGen.TextFrom(
            $"Public-Key-Pins: {Pin.ToHpkpString()}; {SpkiPin.FromSubjectPublicKeyInfo("y"u8).ToHpkpString()}; max-age=5184000; includeSubDomains; report-uri=\"https://r.exchange.com/\"",
            $"Public-Key-Pins-Report-Only: {Pin.ToHpkpString()}; max-age=0");
        PropertyRun.Check(inputs, text => PropertyRun.OnlyFormatException(() => PolicyFormats.Hpkp.Read(text, new PolicyFormatContext { Host = "api.exchange.com", Now = now }), text), tests: 3000);
    }

    [Fact]
    public void TrustKitSettings_HostilePlists_OnlyFormatException()
    {
        var inputs = HostileGen.TextFrom(
            $"""
            <?xml version="1.0" encoding="UTF-8"?>
            <plist version="1.0"><dict><key>TSKConfiguration</key><dict><key>TSKPinnedDomains</key><dict>
            <key>exchange.com</key><dict><key>TSKIncludeSubdomains</key><true/><key>TSKEnforcePinning</key><false/>
            <key>TSKExpirationDate</key><string>2027-06-30</string><key>TSKReportUris</key><array><string>https://r.exchange.com/</string></array>
            <key>TSKPublicKeyHashes</key><array><string>{Pin.ToBase64()}</string><string>{SpkiPin.FromSubjectPublicKeyInfo("y"u8).ToBase64()}</string></array></dict>
            </dict></dict></dict></plist>
            """,
            "<!DOCTYPE plist [<!ENTITY a \"aaaa\">]><plist>&a;</plist>");
        PropertyRun.Check(inputs, text => PropertyRun.OnlyFormatException(() => PolicyFormats.TrustKit.Read(text, new PolicyFormatContext()), text), tests: 2000);
    }

    private static bool Succeeds(Action parse)
    {
        try
        {
            parse();
            return true;
        }
        catch (PinsetFormatException)
        {
            return false;
        }
    }
}
