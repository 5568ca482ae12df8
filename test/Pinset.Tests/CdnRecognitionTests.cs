namespace Pinset.Tests;

public sealed class CdnRecognitionTests
{
    private static readonly IReadOnlyList<ChainCertificate> NoChain = [];

    [Theory]
    [InlineData("Server", "cloudflare", "cloudflare", "the response header 'server: cloudflare'")]
    [InlineData("CF-RAY", "8f1e2d3c4b5a6978-FRA", "cloudflare", "the response header 'cf-ray: 8f1e2d3c4b5a6978-FRA'")]
    [InlineData("x-amz-cf-id", "abc==", "cloudfront", "the response header 'x-amz-cf-id: abc=='")]
    [InlineData("X-Amz-Cf-Pop", "FRA56-P5", "cloudfront", "the response header 'x-amz-cf-pop: FRA56-P5'")]
    [InlineData("Via", "1.1 0123456789abcdef.cloudfront.net (CloudFront)", "cloudfront", "the response header 'via: 1.1 0123456789abcdef.cloudfront.net (CloudFront)'")]
    public void Recognise_Header_NamesTheCdnAndTheHeader(string name, string value, string cdn, string evidence)
    {
        var recognised = CdnRecognition.Recognise([new(name, value)], NoChain, CertificateAuthorityMap.BuiltIn);
        Assert.Equal((cdn, evidence), (recognised?.Profile.Name, recognised?.Evidence));
    }

    [Theory]
    [InlineData("Server", "nginx")]
    [InlineData("Server", "cloudflare-nginx-lookalike-not")]
    [InlineData("Via", "1.1 varnish")]
    public void Recognise_OtherHeaders_Null(string name, string value)
    {
        Assert.Null(CdnRecognition.Recognise([new(name, value)], NoChain, CertificateAuthorityMap.BuiltIn));
    }

    [Fact]
    public void Recognise_CloudflareBrandedIssuingCa_ByItsKey()
    {
        using var issuing = SharedTrustStore.Intermediate("Cloudflare TLS Issuing ECC CA 3", "SSL Corporation");
        using var pki = new TestPki();
        var chain = new[] { ChainCertificate.From(pki.Leaf), ChainCertificate.From(issuing) };
        var recognised = CdnRecognition.Recognise([], chain, CertificateAuthorityMap.BuiltIn);
        Assert.Equal("cloudflare (the CDN-branded issuing CA 'Cloudflare TLS Issuing ECC CA 3')", recognised?.ToString());
    }

    [Fact]
    public void Recognise_BrandedNameOnAnotherKey_Null()
    {
        using var root = TestCertificateAuthority.CreateRoot("Cloudflare TLS Issuing ECC CA 3");
        using var pki = new TestPki();
        Assert.Null(CdnRecognition.Recognise([], [ChainCertificate.From(pki.Leaf), ChainCertificate.From(root.Certificate)], CertificateAuthorityMap.BuiltIn));
    }

    [Fact]
    public void Find_KnownAndUnknown()
    {
        Assert.Equal("cloudflare", CdnProfile.Find("Cloudflare")?.Name);
        Assert.Null(CdnProfile.Find("akamai"));
        Assert.All(CdnProfile.Known, p => Assert.All(p.Operators, o => Assert.NotNull(CertificateAuthorityMap.BuiltIn.FindOperator(o))));
    }
}
