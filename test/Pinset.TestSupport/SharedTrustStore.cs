using System.Security.Cryptography.X509Certificates;

namespace Pinset.TestSupport;

/// <summary>
/// Cloudflare's CFSSL trust store release that the shipped CA map is generated from, kept in the repository
/// (<c>eng/data/cfssl-trust-2026.5.1</c>, with its licence and source): real public roots and intermediates, as data.
/// </summary>
public static class SharedTrustStore
{
    /// <summary>The release's directory; a test that needs it fails naming the path when it is missing.</summary>
    public static string Directory
    {
        get
        {
            var dir = Repository.File("eng", "data", "cfssl-trust-2026.5.1");
            return System.IO.Directory.Exists(dir) ? dir : throw new InvalidOperationException($"The trust store '{dir}' is missing; it is part of the repository (eng/data).");
        }
    }

    /// <summary>The 339 roots.</summary>
    public static X509Certificate2Collection Roots => Read("ca-bundle.crt");

    /// <summary>The 1,263 intermediates.</summary>
    public static X509Certificate2Collection Intermediates => Read("int-bundle.crt");

    /// <summary>The intermediate whose subject has this common name and organisation (the first, when several share them).</summary>
    public static X509Certificate2 Intermediate(string commonName, string organization) =>
        Intermediates.First(c => c.GetNameInfo(X509NameType.SimpleName, false) == commonName && c.Subject.Contains("O=" + organization, StringComparison.Ordinal));

    private static X509Certificate2Collection Read(string file)
    {
        var certificates = new X509Certificate2Collection();
        certificates.ImportFromPemFile(Path.Combine(Directory, file));
        return certificates;
    }
}
