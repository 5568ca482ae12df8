using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BenchmarkDotNet.Attributes;

namespace Pinset.Benchmarks;

/// <summary>
/// A warm three-certificate chain, as the platform hands it to the certificate callback, checked against its policy:
/// Pinset against the callback people write by hand (export each key, SHA-256 it, base64 it, look it up in a set).
/// </summary>
[MemoryDiagnoser]
public class ChainValidationBenchmarks
{
    private TestPki _pki = null!;
    private X509Chain _chain = null!;
    private CertificatePinner _pinner = null!;
    private HashSet<string> _pins = null!;

    [GlobalSetup]
    public void Setup()
    {
        _pki = new TestPki();
        _chain = new X509Chain();
        _chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        _chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        _chain.ChainPolicy.CustomTrustStore.Add(_pki.Root.Certificate);
        _chain.ChainPolicy.ExtraStore.Add(_pki.Intermediate.Certificate);
        if (!_chain.Build(_pki.Leaf))
        {
            throw new InvalidOperationException("The benchmark chain did not build.");
        }

        // The root pin is last in the chain, so both checks look at all three certificates.
        _pinner = new CertificatePinner(PinningPolicy.Create(new()
        {
            Policies = [new() { Hosts = [TestPki.DefaultHost], Pins = [_pki.Root.Pin.ToString(), TestPki.BackupPin.ToString()] }],
        }));
        _pins = [_pki.Root.Pin.ToBase64(), TestPki.BackupPin.ToBase64()];
        if (!Pinset() || !HandWritten())
        {
            throw new InvalidOperationException("The benchmark chain does not pass.");
        }
    }

    [Benchmark(Baseline = true)]
    public bool HandWritten()
    {
        foreach (var element in _chain.ChainElements)
        {
            var hash = SHA256.HashData(element.Certificate.PublicKey.ExportSubjectPublicKeyInfo());
            if (_pins.Contains(Convert.ToBase64String(hash)))
            {
                return true;
            }
        }

        return false;
    }

    [Benchmark]
    public bool Pinset() => _pinner.Validate(TestPki.DefaultHost, _pki.Leaf, _chain, SslPolicyErrors.None).IsAllowed;

    [GlobalCleanup]
    public void Cleanup()
    {
        _chain.Dispose();
        _pki.Dispose();
    }
}
