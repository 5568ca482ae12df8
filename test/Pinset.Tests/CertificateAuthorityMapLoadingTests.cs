using System.Net.Security;
using System.Reflection;
using System.Runtime.Loader;
using System.Security.Cryptography.X509Certificates;

namespace Pinset.Tests;

/// <summary>
/// The built-in CA map is read only when a failure block with a chain is written, never by loading a policy, building a
/// pinner or validating: Pinset is loaded afresh into its own load context (its statics start empty, as in a new app),
/// and the map's state is read there.
/// </summary>
public sealed class CertificateAuthorityMapLoadingTests
{
    [Fact]
    public void BuiltIn_NotReadByPinningUntilAFailureBlockIsWritten()
    {
        var context = new AssemblyLoadContext("fresh Pinset", isCollectible: true);
        try
        {
            var pinset = context.LoadFromAssemblyPath(typeof(CertificateAuthorityMap).Assembly.Location);
            bool Loaded() => (bool)pinset.GetType("Pinset.CertificateAuthorityMap")!.GetProperty("BuiltInLoaded", BindingFlags.NonPublic | BindingFlags.Static)!.GetValue(null)!;

            using var pki = new TestPki();
            var policyJson = $$$"""{"pinning": {"policies": [{"hosts": ["{{{pki.Host}}}"], "pins": ["{{{pki.Intermediate.Pin}}}", "{{{TestPki.BackupPin}}}"]}]}}""";
            var policy = pinset.GetType("Pinset.PinningPolicy")!.GetMethod("Parse")!.Invoke(null, [policyJson, "policy"]);
            var options = Activator.CreateInstance(pinset.GetType("Pinset.CertificatePinnerOptions")!)!;
            options.GetType().GetProperty("CustomTrustRoots")!.SetValue(options, new X509Certificate2Collection(new[] { pki.Root.Certificate, pki.InterceptorRoot.Certificate }));
            var pinner = Activator.CreateInstance(pinset.GetType("Pinset.CertificatePinner")!, [policy, options])!;
            var validate = pinner.GetType().GetMethod("Validate", [typeof(string), typeof(X509Certificate), typeof(X509Chain), typeof(SslPolicyErrors)])!;

            using var genuine = Chain(pki, pki.Leaf);
            var passed = validate.Invoke(pinner, [pki.Host, pki.Leaf, genuine, SslPolicyErrors.RemoteCertificateChainErrors])!;
            Assert.Equal("PinMatched", passed.GetType().GetProperty("Outcome")!.GetValue(passed)!.ToString());
            using var intercepted = Chain(pki, pki.InterceptorLeaf);
            var refused = validate.Invoke(pinner, [pki.Host, pki.InterceptorLeaf, intercepted, SslPolicyErrors.RemoteCertificateChainErrors])!;
            Assert.Equal("PinMismatch", refused.GetType().GetProperty("Outcome")!.GetValue(refused)!.ToString());
            Assert.False(Loaded(), "The CA map was read before any failure block was written.");

            Assert.Contains("Certificate pinning failure!", refused.ToString(), StringComparison.Ordinal);
            Assert.True(Loaded(), "Writing the failure block did not read the CA map; this test no longer watches the right property.");
        }
        finally
        {
            context.Unload();
        }
    }

    private static X509Chain Chain(TestPki pki, X509Certificate2 leaf)
    {
        // As the platform hands it over for a root the system does not trust; the pinner builds it again to its own roots.
        var chain = new X509Chain();
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ExtraStore.Add(pki.Intermediate.Certificate);
        Assert.False(chain.Build(leaf));
        return chain;
    }
}
