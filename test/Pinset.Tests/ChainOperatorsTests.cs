namespace Pinset.Tests;

/// <summary>The failure block names the CA operators of real intermediates of the shared trust store, identified by key.</summary>
public sealed class ChainOperatorsTests
{
    private const string Host = "api.exchange.example";

    private static PinValidationResult Mismatch(IReadOnlyList<ChainCertificate> chain, params SpkiPin[] pins)
    {
        var policy = new PinningPolicyBuilder().AddPolicy(p =>
        {
            p.ForHost(HostPattern.Parse(Host));
            foreach (var pin in pins)
            {
                p.Pin(pin);
            }
        }).Build();
        return new PinValidationResult(PinValidationOutcome.PinMismatch, Host, policy.FindNormalized(Host)) { ValidatedChain = chain };
    }

    [Fact]
    public void ToString_ServerMovedFromLetsEncryptToGoogle_NamesBothAndTheFix()
    {
        using var pki = new TestPki();
        using var wr1 = SharedTrustStore.Intermediate("WR1", "Google Trust Services");
        using var r11 = SharedTrustStore.Intermediate("R11", "Let's Encrypt");
        var gtsR1 = CertificateAuthorityMap.BuiltIn.Operators.Single(o => o.Name == "Google Trust Services").Roots.Single(r => r.Name == "GTS Root R1");
        var block = Mismatch([ChainCertificate.From(pki.Leaf), ChainCertificate.From(wr1)], SpkiPin.FromCertificate(r11), TestPki.BackupPin).ToString();

        Assert.Contains($"    {SpkiPin.FromCertificate(wr1)}: CN=WR1, O=Google Trust Services, C=US  (Google Trust Services intermediate 'WR1')\n", block, StringComparison.Ordinal);
        Assert.Contains("  What changed: the server now presents Google Trust Services WR1; the policy pins Let's Encrypt (R11).\n", block, StringComparison.Ordinal);
        Assert.EndsWith($"  Fix: if the move is expected, add the roots Google Trust Services WR1 chains to: GTS Root R1 {gtsR1.Pin} ('pinset pin {Host} --strategy cdn' pins every CA a CDN may move to), and ship them before the old pins go; if it is not expected, this may be interception.", block, StringComparison.Ordinal);
    }

    [Fact]
    public void ToString_KeysNotInTheMap_NoClaim()
    {
        using var pki = new TestPki();
        var block = Mismatch([ChainCertificate.From(pki.Leaf), ChainCertificate.From(pki.Intermediate.Certificate)], pki.Root.Pin, TestPki.BackupPin).ToString();
        Assert.DoesNotContain("What changed", block, StringComparison.Ordinal);
        Assert.Contains($"\n    {pki.Intermediate.Pin}: {pki.Intermediate.Certificate.Subject}\n  What to do: ", block, StringComparison.Ordinal);
    }
}
