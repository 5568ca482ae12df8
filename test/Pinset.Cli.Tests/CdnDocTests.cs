using System.Security.Cryptography.X509Certificates;
using Pinset.Formats;

namespace Pinset.Cli.Tests;

/// <summary>
/// docs/cdn.md's session is produced here, as docs/cli.md's is (<see cref="CliDocTests"/>): every <c>$ pinset ...</c> line
/// runs as the real pinset process in a directory holding the files of CdnDocSession, against nginx answering as
/// Cloudflare does (<c>server: cloudflare</c>, <c>cf-ray</c>) on the page's port 8443 (a Let's Encrypt R11 chain) and
/// 8444 (the same host after a move to Google Trust Services WR1), and as CloudFront does on 8445. The CAs are
/// stand-ins with the real names; their map (public-cas.tsv) is written by the generator of the shipped map when the
/// session starts. On a mismatch the page as produced is written to docs/cdn.received.md.
/// </summary>
public sealed class CdnDocTests
{
    private static readonly (string, string)[] Cloudflare = [("server", "cloudflare"), ("cf-ray", "8f1e2d3c4b5a6978-FRA")];

    [RequiresToolsFact("nginx")]
    public async Task Doc_EveryExampleIsWhatPinsetPrints()
    {
        using var session = new TempDirectory();
        foreach (var file in Directory.GetFiles(Repository.File("test", "Pinset.Cli.Tests", "CdnDocSession")))
        {
            File.Copy(file, Path.Combine(session.Path, Path.GetFileName(file)));
        }

        var roots = new X509Certificate2Collection();
        roots.ImportFromPemFile(session.File("roots.pem"));
        var intermediates = new X509Certificate2Collection();
        intermediates.ImportFromPemFile(session.File("intermediates.pem"));
        await File.WriteAllTextAsync(session.File("public-cas.tsv"), CertificateAuthorityMapWriter.Write(roots, intermediates, "stand-ins for the public CAs of docs/cdn.md", DateOnly.FromDateTime(DateTime.UtcNow)));

        await using var nginx = await NginxServer.StartAsync(
        [
            Site(session, "cloudflare", "le", Cloudflare),
            Site(session, "cloudflare-moved", "gts", Cloudflare),
            Site(session, "cloudfront", "amazon", [("x-amz-cf-id", "k3Jx9Qd0mYVbLx5oA1pQ=="), ("via", "1.1 d111111abcdef8.cloudfront.net (CloudFront)")]),
        ]);

        var page = Repository.File("docs", "cdn.md");
        var shown = (await File.ReadAllTextAsync(page)).Replace("\r\n", "\n", StringComparison.Ordinal);
        var ports = new Dictionary<string, int> { ["8443"] = nginx.Port("cloudflare"), ["8444"] = nginx.Port("cloudflare-moved"), ["8445"] = nginx.Port("cloudfront") };
        var produced = await CliDocTests.ProduceAsync(shown, session.Path, ports, new CliDocTests.Generated([]));
        if (produced != shown)
        {
            var received = Repository.File("docs", "cdn.received.md");
            await File.WriteAllTextAsync(received, produced);
            var first = shown.Split('\n').Zip(produced.Split('\n')).Select((pair, line) => (pair, line)).First(x => x.pair.First != x.pair.Second);
            Assert.Fail($"docs/cdn.md differs from what pinset prints, first at line {first.line + 1}:\n  page:     {first.pair.First}\n  produced: {first.pair.Second}\nThe page as produced is in '{received}'; review it and copy it over docs/cdn.md.");
        }
    }

    private static NginxSite Site(TempDirectory session, string name, string leaf, (string Name, string Value)[] headers)
    {
        var chain = new X509Certificate2Collection();
        chain.ImportFromPemFile(session.File($"leaf-{leaf}.pem"));
        var withKey = X509Certificate2.CreateFromPemFile(session.File($"leaf-{leaf}.pem"), session.File($"leaf-{leaf}.key"));
        return new NginxSite(name, withKey, [chain[1]]) { Headers = [.. headers.Select(h => new KeyValuePair<string, string>(h.Name, h.Value))] };
    }
}
