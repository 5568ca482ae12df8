namespace Pinset.AttackTests;

/// <summary>
/// One nginx for every chain attack: a site per scenario, each sending the chain the scenario names, built from one
/// genuine PKI (root, issuing CA, leaves) and one attacker whose root the client trusts (the strongest attacker: a
/// corporate proxy, malware that installed its root, a coerced CA). The client pins the genuine issuing CA.
/// </summary>
public sealed class ChainAttackServers : IAsyncLifetime
{
    public const string Host = "localhost";

    private readonly List<IDisposable> _owned = [];

    public ChainAttackServers()
    {
        var genuine = Own(new TestPki());
        Pki = genuine;
        var attackerRoot = genuine.InterceptorRoot;
        string[] names = [Host, "api.exchange.test"];

        var rsaLeaf = Own(genuine.Intermediate.IssueServer(names, TestKeyKind.Rsa2048));
        var expiredLeaf = Own(genuine.IssueExpiredLeaf());
        var wrongHostLeaf = Own(genuine.IssueWrongHostLeaf("other.exchange.test"));

        // A rogue issuing CA with the genuine one's exact name, under the attacker's root.
        var rogueIntermediate = Own(attackerRoot.CreateIntermediate("Genuine Issuing CA"));
        var rogueLeaf = Own(rogueIntermediate.IssueServer(names));

        // A certificate the genuine issuing CA really issued (to the attacker's own site), whose key then signs a leaf.
        var attackerSite = Own(genuine.Intermediate.IssueServer(["attacker.exchange.test"]));
        var nonCaSigner = Own(TestCertificateAuthority.Impersonate(attackerSite, genuine.Intermediate));
        var nonCaLeaf = Own(nonCaSigner.IssueServer(names));

        // The attacker's root cross-signs the genuine root, then sends that cross-certificate beside its own leaf.
        var crossSignedRoot = Own(attackerRoot.CrossSign(genuine.Root));

        Sites =
        [
            new("genuine-ec", genuine.Leaf, [genuine.Intermediate.Certificate]),
            new("genuine-rsa", rsaLeaf, [genuine.Intermediate.Certificate]),
            new("expired-leaf", expiredLeaf, [genuine.Intermediate.Certificate]),
            new("wrong-host", wrongHostLeaf, [genuine.Intermediate.Certificate]),
            new("missing-intermediate", genuine.Leaf, []),
            new("trusted-interceptor", genuine.InterceptorLeaf, []),
            new("stuffed-chain", genuine.InterceptorLeaf, [genuine.Intermediate.Certificate, genuine.Leaf]),
            new("rogue-intermediate-same-name", rogueLeaf, [rogueIntermediate.Certificate, genuine.Intermediate.Certificate]),
            new("non-ca-signer", nonCaLeaf, [attackerSite, genuine.Intermediate.Certificate]),
            new("cross-signed-root", genuine.InterceptorLeaf, [crossSignedRoot, genuine.Intermediate.Certificate]),
        ];
    }

    public TestPki Pki { get; }

    public IReadOnlyList<NginxSite> Sites { get; }

    public NginxServer Nginx { get; private set; } = null!;

    /// <summary>A pinner for <see cref="Host"/> that pins the genuine issuing CA (and a backup), trusting both roots.</summary>
    public CertificatePinner Pinner(VerdictRecorder verdicts) => verdicts.Pinner(AttackPolicy.For(Host, Pki.Intermediate.Pin), Pki.TrustBoth());

    public async Task InitializeAsync() => Nginx = await NginxServer.StartAsync(Sites);

    public async Task DisposeAsync()
    {
        if (Nginx is not null)
        {
            await Nginx.DisposeAsync();
        }

        foreach (var owned in Enumerable.Reverse(_owned))
        {
            owned.Dispose();
        }
    }

    private T Own<T>(T disposable)
        where T : IDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }
}
