using System.Text;

namespace Pinset.Tests;

/// <summary>
/// Mutated and random input to every parser of untrusted text or bytes: each either parses or throws the one
/// documented <see cref="PinsetFormatException"/>, never anything else. Seeds are fixed, so a failure reproduces.
/// </summary>
public sealed class HostileInputTests
{
    private const int Rounds = 3000;

    [Fact]
    public void PinSourceReadAll_MutatedCertificatesRequestsAndKeys_OnlyFormatException()
    {
        using var pki = new TestPki(TestKeyKind.Rsa2048);
        using var key = System.Security.Cryptography.ECDsa.Create();
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=fuzz", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
        byte[][] seeds =
        [
            pki.Leaf.RawData,
            request.CreateSigningRequest(),
            key.ExportSubjectPublicKeyInfo(),
            Encoding.ASCII.GetBytes(pki.Leaf.ExportCertificatePem() + pki.Intermediate.Certificate.ExportCertificatePem()),
            Encoding.ASCII.GetBytes(request.CreateSigningRequestPem()),
        ];
        var random = new Random(7469);
        for (int i = 0; i < Rounds; i++)
        {
            var input = Mutate(seeds[i % seeds.Length], random);
            OnlyFormatException(() => PinSource.ReadAll(input, "fuzz"), input);
        }
    }

    [Fact]
    public void TextParsers_MutatedPinsPatternsAndFingerprints_OnlyFormatException()
    {
        string[] seeds =
        [
            SpkiPin.FromSubjectPublicKeyInfo("x"u8).ToString(),
            SpkiPin.FromSubjectPublicKeyInfo("x"u8).ToHpkpString(),
            CertificateFingerprint.FromDer("x"u8).ToString(),
            "**.bücher.exchange.com.",
            "[::1]",
            "*.co.uk",
        ];
        var random = new Random(9724);
        for (int i = 0; i < Rounds; i++)
        {
            var text = Encoding.UTF8.GetString(Mutate(Encoding.UTF8.GetBytes(seeds[i % seeds.Length]), random));
            OnlyFormatException(() => SpkiPin.Parse(text), text);
            OnlyFormatException(() => CertificateFingerprint.Parse(text), text);
            OnlyFormatException(() => HostPattern.Parse(text), text);
            OnlyFormatException(() => HostName.Normalize(text), text);
        }
    }

    [Fact]
    public void PolicyJson_MutatedDocuments_OnlyFormatException()
    {
        var pin = SpkiPin.FromSubjectPublicKeyInfo("x"u8);
        var seed = Encoding.UTF8.GetBytes($$$"""
            {"pinning": {"requirePinnedHosts": false, "policies": [{"hosts": ["api.exchange.com", "*.exchange.com"],
             "pins": ["{{{pin}}}", "{{{pin.ToCurlString()}}}"], "certificates": ["{{{CertificateFingerprint.FromDer("x"u8)}}}"],
             "bannedPins": [], "expires": "2027-06-30T00:00:00Z", "mode": "report-only", "reportUris": ["https://r.exchange.com/"]}]}}
            """);
        var random = new Random(2402);
        for (int i = 0; i < Rounds; i++)
        {
            var text = Encoding.UTF8.GetString(Mutate(seed, random));
            OnlyFormatException(() => PinningPolicy.Parse(text), text);
        }
    }

    private static void OnlyFormatException(Action parse, object input)
    {
        try
        {
            parse();
        }
        catch (PinsetFormatException ex)
        {
            Assert.False(string.IsNullOrWhiteSpace(ex.Message));
        }
        catch (Exception ex)
        {
            var shown = input is byte[] bytes ? Convert.ToBase64String(bytes) : input.ToString();
            throw new Xunit.Sdk.XunitException($"{ex.GetType().Name} escaped a parser for input '{shown}': {ex}");
        }
    }

    /// <summary>Flips, inserts, deletes, truncates or splices bytes: the mutations a fuzzer starts with.</summary>
    private static byte[] Mutate(byte[] seed, Random random)
    {
        var bytes = new List<byte>(seed);
        int edits = random.Next(1, 6);
        for (int e = 0; e < edits && bytes.Count > 0; e++)
        {
            int at = random.Next(bytes.Count);
            switch (random.Next(6))
            {
                case 0:
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    bytes.Insert(at, (byte)random.Next(256));
                    break;
                case 2:
                    bytes.RemoveAt(at);
                    break;
                case 3:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                case 4:
                    const string Structural = "{}[]\",:*.-/=0\n";
                    bytes[at] = (byte)Structural[random.Next(Structural.Length)];
                    break;
                default:
                    int from = random.Next(bytes.Count);
                    bytes.InsertRange(at, bytes.GetRange(from, Math.Min(16, bytes.Count - from)));
                    break;
            }
        }

        return [.. bytes];
    }
}
