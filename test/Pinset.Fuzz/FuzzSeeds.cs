using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Pinset.Fuzz;

/// <summary>Valid inputs for each target, the starting corpus AFL++ mutates (written by <c>Pinset.Fuzz seed DIR</c>).</summary>
public static class FuzzSeeds
{
    public static IReadOnlyDictionary<string, byte[]> For(string target)
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=api.exchange.test", ec, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var pin = SpkiPin.FromCertificate(certificate);
        var backup = SpkiPin.FromSubjectPublicKeyInfo(rsa.ExportSubjectPublicKeyInfo());
        return target switch
        {
            "certificate" => new Dictionary<string, byte[]>
            {
                ["cert.der"] = certificate.RawData,
                ["cert.pem"] = Ascii(certificate.ExportCertificatePem()),
                ["csr.der"] = request.CreateSigningRequest(),
                ["csr.pem"] = Ascii(request.CreateSigningRequestPem()),
                ["key.pem"] = Ascii(rsa.ExportSubjectPublicKeyInfoPem()),
                ["rsa-key.pem"] = Ascii(rsa.ExportRSAPublicKeyPem()),
            },
            "policy" => new Dictionary<string, byte[]>
            {
                ["policy.json"] = Encoding.UTF8.GetBytes($$$"""
                    {"pinning": {"requirePinnedHosts": true, "policies": [{"hosts": ["api.exchange.test", "**.ws.exchange.test"],
                     "pins": ["{{{pin}}}", "{{{backup}}}"], "bannedPins": [], "expires": "2027-06-30T00:00:00Z", "mode": "enforce",
                     "reportUris": ["https://report.exchange.test/"]}]}}
                    """),
            },
            "android" => new Dictionary<string, byte[]>
            {
                ["network_security_config.xml"] = Encoding.UTF8.GetBytes($"""
                    <?xml version="1.0" encoding="utf-8"?>
                    <network-security-config><domain-config><domain includeSubdomains="true">exchange.test</domain>
                    <pin-set expiration="2027-06-30"><pin digest="SHA-256">{pin.ToBase64()}</pin><pin digest="SHA-256">{backup.ToBase64()}</pin></pin-set>
                    </domain-config></network-security-config>
                    """),
            },
            "text" => new Dictionary<string, byte[]>
            {
                ["pin.txt"] = Ascii(pin.ToString()),
                ["hpkp.txt"] = Ascii($"Public-Key-Pins: {pin.ToHpkpString()}; {backup.ToHpkpString()}; max-age=5184000; includeSubDomains"),
                ["fingerprint.txt"] = Ascii(CertificateFingerprint.FromCertificate(certificate).ToString()),
                ["pattern.txt"] = Encoding.UTF8.GetBytes("**.bücher.exchange.test."),
            },
            _ => throw new ArgumentException($"Unknown fuzz target '{target}'; expected one of: {string.Join(", ", FuzzTargets.All.Keys)}.", nameof(target)),
        };
    }

    private static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);
}
