using System.Security.Cryptography.X509Certificates;

namespace Pinset.Testing;

/// <summary>
/// The certificates a pinning test needs, generated fresh for each instance: a genuine chain (root, intermediate, and a
/// leaf for <see cref="Hosts"/>), an interceptor (its own root, and a leaf for the same hosts) that a client may be
/// made to trust, as it would trust a corporate proxy or a compromised CA, and leaves for the cases a test wants:
/// expired, for another host, with the backup key. Pin the genuine chain with <see cref="LeafPin"/>,
/// <see cref="TestCertificateAuthority.Pin"/> of <see cref="Intermediate"/> or <see cref="Root"/>, and
/// <see cref="BackupPin"/>; trust it with <see cref="Root"/> (or <see cref="TrustBoth"/>).
/// </summary>
public sealed class TestPki : IDisposable
{
    /// <summary>The first host name of a PKI made without hosts.</summary>
    public const string DefaultHost = "api.exchange.test";

    /// <summary>The host names of a PKI made without hosts: <see cref="DefaultHost"/>, its siblings, and loopback.</summary>
    public static IReadOnlyList<string> DefaultHosts { get; } = [DefaultHost, "*.exchange.test", "localhost", "127.0.0.1", "::1"];

    private static readonly Lazy<TestKey> Backup = new(() => TestKey.Create());

    /// <summary>A PKI whose leaves cover <see cref="DefaultHosts"/>, with keys of <paramref name="kind"/>.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in their first parameter (key kind or host names), so no call is ambiguous.")]
    public TestPki(TestKeyKind kind = TestKeyKind.EcP256)
        : this(DefaultHosts, kind)
    {
    }

    /// <summary>
    /// A PKI whose leaves cover <paramref name="hosts"/>: DNS names (wildcards too) and IP addresses, the first one the
    /// leaves' common name. Keys are of <paramref name="kind"/>.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in their first parameter (key kind or host names), so no call is ambiguous.")]
    public TestPki(IEnumerable<string> hosts, TestKeyKind kind = TestKeyKind.EcP256)
    {
        ArgumentNullException.ThrowIfNull(hosts);
        Hosts = [.. hosts];
        if (Hosts.Count == 0)
        {
            throw new ArgumentException("A test PKI needs at least one host name or IP address for its leaves.", nameof(hosts));
        }

        Kind = kind;
        Root = TestCertificateAuthority.CreateRoot("Genuine Root CA", kind);
        Intermediate = Root.CreateIntermediate("Genuine Issuing CA", kind);
        Leaf = Intermediate.IssueServer(Hosts, kind);
        InterceptorRoot = TestCertificateAuthority.CreateRoot("Interceptor Root CA", kind);
        InterceptorLeaf = InterceptorRoot.IssueServer(Hosts, kind);
    }

    /// <summary>
    /// A backup key: generated once per process, deployed on no server until a test issues a leaf with it
    /// (<see cref="IssueBackupLeaf"/>). Every enforced policy lists a backup pin besides the pins in use.
    /// </summary>
    public static TestKey BackupKey => Backup.Value;

    /// <summary>The pin of <see cref="BackupKey"/>.</summary>
    public static SpkiPin BackupPin => BackupKey.Pin;

    /// <summary>The host names and IP addresses the leaves cover.</summary>
    public IReadOnlyList<string> Hosts { get; }

    /// <summary>The first of <see cref="Hosts"/>.</summary>
    public string Host => Hosts[0];

    /// <summary>The kind of every key this PKI generates.</summary>
    public TestKeyKind Kind { get; }

    /// <summary>The genuine root CA.</summary>
    public TestCertificateAuthority Root { get; }

    /// <summary>The genuine issuing CA, issued by <see cref="Root"/>.</summary>
    public TestCertificateAuthority Intermediate { get; }

    /// <summary>The genuine leaf for <see cref="Hosts"/>, issued by <see cref="Intermediate"/>, with its private key.</summary>
    public X509Certificate2 Leaf { get; }

    /// <summary>The interceptor's root CA: the CA of a corporate proxy or of malware, which a client may trust.</summary>
    public TestCertificateAuthority InterceptorRoot { get; }

    /// <summary>The interceptor's leaf for <see cref="Hosts"/>, issued by <see cref="InterceptorRoot"/>, with its private key.</summary>
    public X509Certificate2 InterceptorLeaf { get; }

    /// <summary>The pin of <see cref="Leaf"/>'s key.</summary>
    public SpkiPin LeafPin => SpkiPin.FromCertificate(Leaf);

    /// <summary>Both roots, as a client that trusts the interceptor (a corporate or malware CA) holds them.</summary>
    public X509Certificate2Collection TrustBoth() => [Root.Certificate, InterceptorRoot.Certificate];

    /// <summary>The genuine chain as the server sends it: leaf and intermediate.</summary>
    public X509Certificate2[] GenuineChain() => [Leaf, Intermediate.Certificate];

    /// <summary>
    /// Another genuine leaf from <see cref="Intermediate"/>: for <paramref name="hosts"/> (default <see cref="Hosts"/>),
    /// valid from <paramref name="notBefore"/> to <paramref name="notAfter"/> (default: from a day ago for 90 days), with
    /// <paramref name="key"/> or a new key. The caller owns it.
    /// </summary>
    public X509Certificate2 IssueLeaf(IEnumerable<string>? hosts = null, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null, TestKey? key = null) =>
        Intermediate.IssueServer(hosts ?? Hosts, Kind, notBefore, notAfter, key);

    /// <summary>A genuine leaf for <see cref="Hosts"/> that expired yesterday (valid for the 30 days before). The caller owns it.</summary>
    public X509Certificate2 IssueExpiredLeaf() => IssueLeaf(notBefore: DateTimeOffset.UtcNow.AddDays(-31), notAfter: DateTimeOffset.UtcNow.AddDays(-1));

    /// <summary>A genuine leaf for <paramref name="host"/> only, which none of <see cref="Hosts"/> matches. The caller owns it.</summary>
    public X509Certificate2 IssueWrongHostLeaf(string host = "wrong-host.invalid") => IssueLeaf([host]);

    /// <summary>A genuine leaf for <see cref="Hosts"/> with <see cref="BackupKey"/>: the server after a key rotation. The caller owns it.</summary>
    public X509Certificate2 IssueBackupLeaf() => IssueLeaf(key: BackupKey);

    /// <summary>A pinner for <paramref name="pins"/> and <see cref="BackupPin"/> on <see cref="Host"/>, trusting both roots.</summary>
    public CertificatePinner Pinner(params SpkiPin[] pins) => Pinner(new HostPolicyConfiguration
    {
        Hosts = [Host],
        Pins = [.. pins.Append(BackupPin).Select(p => p.ToString())],
    });

    /// <summary>A pinner for one policy, trusting both roots.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in their first parameter (pins, one policy, a whole configuration), so no call is ambiguous.")]
    public CertificatePinner Pinner(HostPolicyConfiguration policy, bool requirePinnedHosts = false, TimeProvider? time = null, Action<PinValidationResult>? observer = null) =>
        Pinner(new PinningConfiguration { Policies = [policy], RequirePinnedHosts = requirePinnedHosts }, time, observer);

    /// <summary>A pinner for a whole configuration, trusting both roots.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in their first parameter (pins, one policy, a whole configuration), so no call is ambiguous.")]
    public CertificatePinner Pinner(PinningConfiguration configuration, TimeProvider? time = null, Action<PinValidationResult>? observer = null) =>
        new(PinningPolicy.Create(configuration), new CertificatePinnerOptions
        {
            CustomTrustRoots = TrustBoth(),
            TimeProvider = time ?? TimeProvider.System,
            OnValidated = observer,
        });

    /// <summary>Disposes every certificate and CA of this PKI (not those its Issue methods returned).</summary>
    public void Dispose()
    {
        Leaf.Dispose();
        InterceptorLeaf.Dispose();
        Intermediate.Dispose();
        Root.Dispose();
        InterceptorRoot.Dispose();
    }
}
