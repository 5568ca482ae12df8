namespace Pinset;

/// <summary>
/// What is known of a CDN in front of a pinned host, each fact from the CDN's own documentation (<see cref="Sources"/>):
/// which CA operators its edge certificates may come from, and how a probe recognises it (response headers, or a
/// CDN-branded issuing CA). <see cref="Known"/> lists them; the operators' names are those of
/// <see cref="CertificateAuthorityMap"/>.
/// </summary>
public sealed record CdnProfile
{
    /// <summary>The CDN's name, as <c>pinset pin --cdn</c> takes it (ignoring case).</summary>
    public required string Name { get; init; }

    /// <summary>The CDN's name in sentences: <c>Cloudflare</c>, <c>Amazon CloudFront</c>.</summary>
    public required string DisplayName { get; init; }

    /// <summary>The CA operators the CDN may issue its edge certificates from, without notice.</summary>
    public required IReadOnlyList<string> Operators { get; init; }

    /// <summary>
    /// Response headers that only this CDN sends: a name, and the value it must have (ignoring case), or, when that is in
    /// parentheses such as <c>(CloudFront)</c>, contain; null: any value.
    /// </summary>
    public required IReadOnlyList<KeyValuePair<string, string?>> Headers { get; init; }

    /// <summary>How the names of the CDN's own branded issuing CAs begin, such as <c>Cloudflare TLS Issuing</c>.</summary>
    public IReadOnlyList<string> BrandedIssuers { get; init; } = [];

    /// <summary>The documentation each fact comes from.</summary>
    public required IReadOnlyList<Uri> Sources { get; init; }

    /// <summary>What else the documentation says that matters for pinning, in one sentence.</summary>
    public required string Note { get; init; }

    /// <summary>The CDNs Pinset knows: Cloudflare and Amazon CloudFront.</summary>
    public static IReadOnlyList<CdnProfile> Known { get; } =
    [
        new CdnProfile
        {
            Name = "cloudflare",
            DisplayName = "Cloudflare",
            Operators = ["Let's Encrypt", "Google Trust Services", "SSL.com", "Sectigo"],
            Headers = [new("server", "cloudflare"), new("cf-ray", null)],
            BrandedIssuers = ["Cloudflare TLS Issuing"],
            Sources =
            [
                new("https://developers.cloudflare.com/ssl/reference/certificate-authorities/"),
                new("https://developers.cloudflare.com/ssl/edge-certificates/backup-certificates/"),
                new("https://developers.cloudflare.com/ssl/reference/certificate-pinning/"),
            ],
            Note = "Cloudflare renews edge certificates at least every 90 days from Let's Encrypt, Google Trust Services or SSL.com, keeps a backup certificate from a different CA with a different key (Sectigo among them) that it deploys without notice, and does not support pinning for that reason.",
        },
        new CdnProfile
        {
            Name = "cloudfront",
            DisplayName = "Amazon CloudFront",
            Operators = ["Amazon"],
            Headers = [new("x-amz-cf-id", null), new("x-amz-cf-pop", null), new("via", "(CloudFront)")],
            Sources =
            [
                new("https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cnames-and-https-requirements.html"),
                new("https://docs.aws.amazon.com/acm/latest/userguide/acm-bestpractices.html#best-practices-pinning"),
                new("https://www.amazontrust.com/repository/"),
            ],
            Note = "CloudFront serves *.cloudfront.net and certificates from AWS Certificate Manager, issued by Amazon from intermediates it changes at renewal under Amazon Root CA 1 to 4; AWS advises pinning those roots, not an intermediate, and a certificate you import instead comes from your own CA.",
        },
    ];

    /// <summary>The profile named <paramref name="name"/> (ignoring case); null when none is.</summary>
    public static CdnProfile? Find(string name) => Known.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The name.</summary>
    public override string ToString() => Name;
}
