using System.Security.Cryptography.X509Certificates;
using Pinset.Formats;

namespace Pinset.Cli.Tests;

/// <summary>
/// Stand-ins for the CAs Cloudflare issues from, with their real names (<c>CN=R11, O=Let's Encrypt</c>) and keys of
/// their own, and their CA map written by the generator of the shipped map (<c>--ca-map</c>), so that check and pin
/// identify them by key as they identify the real ones: Let's Encrypt (R10–R14 under ISRG Root X1, E5–E9 under ISRG
/// Root X2), Google Trust Services (WR1 under GTS Root R1, WE1 under GTS Root R4), SSL.com (Cloudflare TLS Issuing ECC
/// CA 3 under SSL.com TLS ECC Root CA 2022), Sectigo, and Amazon for CloudFront.
/// </summary>
internal sealed class PublicCaStandIns : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly List<TestCertificateAuthority> _roots = [];
    private readonly Dictionary<string, TestCertificateAuthority> _intermediates = [];

    public PublicCaStandIns()
    {
        var x1 = AddRoot("CN=ISRG Root X1, O=Internet Security Research Group, C=US");
        var x2 = AddRoot("CN=ISRG Root X2, O=Internet Security Research Group, C=US");
        foreach (var n in Enumerable.Range(10, 5))
        {
            AddIntermediate(x1, $"CN=R{n}, O=Let's Encrypt, C=US");
        }

        foreach (var n in Enumerable.Range(5, 5))
        {
            AddIntermediate(x2, $"CN=E{n}, O=Let's Encrypt, C=US");
        }

        AddIntermediate(AddRoot("CN=GTS Root R1, O=Google Trust Services LLC, C=US"), "CN=WR1, O=Google Trust Services, C=US");
        AddIntermediate(AddRoot("CN=GTS Root R4, O=Google Trust Services LLC, C=US"), "CN=WE1, O=Google Trust Services, C=US");
        AddIntermediate(AddRoot("CN=SSL.com TLS ECC Root CA 2022, O=SSL Corporation, C=US"), "CN=Cloudflare TLS Issuing ECC CA 3, O=SSL Corporation, C=US");
        AddIntermediate(AddRoot("CN=Sectigo Public Server Authentication Root E46, O=Sectigo Limited, C=GB"), "CN=Sectigo Public Server Authentication CA DV E36, O=Sectigo Limited, C=GB");
        AddIntermediate(AddRoot("CN=Amazon Root CA 3, O=Amazon, C=US"), "CN=Amazon ECDSA 256 M02, O=Amazon, C=US");

        RootsPem = _dir.File("public-roots.pem");
        File.WriteAllText(RootsPem, string.Concat(_roots.Select(r => r.Certificate.ExportCertificatePem() + "\n")));
        MapFile = _dir.File("public-cas.tsv");
        File.WriteAllText(MapFile, CertificateAuthorityMapWriter.Write(
            _roots.Select(r => r.Certificate), _intermediates.Values.Select(i => i.Certificate), "Pinset.Cli.Tests stand-ins for the public CAs", DateOnly.FromDateTime(DateTime.UtcNow)));
    }

    /// <summary>The roots, as a --ca-file.</summary>
    public string RootsPem { get; }

    /// <summary>The map of the stand-ins, as a --ca-map.</summary>
    public string MapFile { get; }

    /// <summary>The roots.</summary>
    public IReadOnlyList<TestCertificateAuthority> Roots => _roots;

    /// <summary>The intermediates, by common name.</summary>
    public IReadOnlyDictionary<string, TestCertificateAuthority> Intermediates => _intermediates;

    /// <summary>The stand-in root with this common name.</summary>
    public TestCertificateAuthority Root(string commonName) => _roots.Single(r => r.Certificate.GetNameInfo(X509NameType.SimpleName, false) == commonName);

    /// <summary>The stand-in intermediate with this common name.</summary>
    public TestCertificateAuthority Intermediate(string commonName) => _intermediates[commonName];

    /// <summary>A leaf for <paramref name="host"/> issued by the intermediate named <paramref name="issuer"/>, and the nginx site serving it.</summary>
    public NginxSite Site(string name, string issuer, string host, params (string Name, string Value)[] headers)
    {
        var leaf = Intermediate(issuer).IssueServer([host]);
        return new NginxSite(name, leaf, [Intermediate(issuer).Certificate]) { Headers = [.. headers.Select(h => new KeyValuePair<string, string>(h.Name, h.Value))] };
    }

    private TestCertificateAuthority AddRoot(string subject)
    {
        var root = TestCertificateAuthority.CreateNamedRoot(new X500DistinguishedName(subject));
        _roots.Add(root);
        return root;
    }

    private void AddIntermediate(TestCertificateAuthority root, string subject)
    {
        var intermediate = root.CreateNamedIntermediate(new X500DistinguishedName(subject));
        _intermediates.Add(intermediate.Certificate.GetNameInfo(X509NameType.SimpleName, false), intermediate);
    }

    public void Dispose()
    {
        foreach (var ca in _intermediates.Values.Concat(_roots))
        {
            ca.Dispose();
        }

        _dir.Dispose();
    }
}
