using System.Security.Cryptography.X509Certificates;

namespace Pinset.TestSupport;

/// <summary>
/// The certificates most tests need: a genuine exchange chain (root, intermediate, leaf for <see cref="Host"/>) and an
/// interceptor that holds a CA the client also trusts, the case pinning exists for. Generated fresh for each instance.
/// </summary>
public sealed class TestPki : IDisposable
{
    public const string Host = "api.exchange.test";

    public TestPki(TestKeyKind kind = TestKeyKind.EcP256)
    {
        Root = TestCertificateAuthority.CreateRoot("Genuine Root CA", kind);
        Intermediate = Root.CreateIntermediate("Genuine Issuing CA", kind);
        Leaf = Intermediate.IssueServer([Host, "*.exchange.test", "localhost", "127.0.0.1", "::1"], kind);
        InterceptorRoot = TestCertificateAuthority.CreateRoot("Interceptor Root CA", kind);
        InterceptorLeaf = InterceptorRoot.IssueServer([Host, "*.exchange.test", "localhost", "127.0.0.1", "::1"], kind);
    }

    public TestCertificateAuthority Root { get; }

    public TestCertificateAuthority Intermediate { get; }

    public X509Certificate2 Leaf { get; }

    public TestCertificateAuthority InterceptorRoot { get; }

    public X509Certificate2 InterceptorLeaf { get; }

    public SpkiPin LeafPin => SpkiPin.FromCertificate(Leaf);

    /// <summary>A pin of no certificate anywhere: a backup key that is not deployed.</summary>
    public static SpkiPin BackupPin { get; } = SpkiPin.FromSubjectPublicKeyInfo("a backup key that is not deployed"u8);

    /// <summary>Both roots, as a client that trusts the interceptor (a corporate or malware CA) holds them.</summary>
    public X509Certificate2Collection TrustBoth() => [Root.Certificate, InterceptorRoot.Certificate];

    /// <summary>The genuine chain as the server sends it: leaf and intermediate.</summary>
    public X509Certificate2[] GenuineChain() => [Leaf, Intermediate.Certificate];

    /// <summary>A pinner for <paramref name="pins"/> on <see cref="Host"/>, trusting both roots.</summary>
    public CertificatePinner Pinner(params SpkiPin[] pins) => Pinner(new PinPolicyConfiguration
    {
        Hosts = [Host],
        Pins = [.. pins.Append(BackupPin).Select(p => p.ToString())],
    });

    public CertificatePinner Pinner(PinPolicyConfiguration policy, bool requirePinnedHosts = false, TimeProvider? time = null, Action<PinValidationResult>? observer = null) =>
        Pinner(new PinningConfiguration { Policies = [policy], RequirePinnedHosts = requirePinnedHosts }, time, observer);

    public CertificatePinner Pinner(PinningConfiguration configuration, TimeProvider? time = null, Action<PinValidationResult>? observer = null) =>
        new(PinningPolicy.Create(configuration), new CertificatePinnerOptions
        {
            CustomTrustRoots = TrustBoth(),
            TimeProvider = time ?? TimeProvider.System,
            OnValidated = observer,
        });

    public void Dispose()
    {
        Leaf.Dispose();
        InterceptorLeaf.Dispose();
        Intermediate.Dispose();
        Root.Dispose();
        InterceptorRoot.Dispose();
    }
}
