using System.Security.Cryptography.X509Certificates;

namespace Pinset.AttackTests;

/// <summary>Records the pinner's verdicts (its <see cref="CertificatePinnerOptions.OnValidated"/> observer), so a test sees why a handshake ended.</summary>
public sealed class VerdictRecorder
{
    private readonly List<PinValidationResult> _results = [];

    /// <summary>A pinner for <paramref name="policy"/> that trusts <paramref name="roots"/> and records its verdicts here.</summary>
    public CertificatePinner Pinner(PinningPolicy policy, X509Certificate2Collection roots) =>
        new(policy, new CertificatePinnerOptions { CustomTrustRoots = roots, OnValidated = Record });

    public void Record(PinValidationResult result)
    {
        lock (_results)
        {
            _results.Add(result);
        }
    }

    /// <summary>The newest verdict; fails the test when the pinner was never asked.</summary>
    public PinValidationResult Last
    {
        get
        {
            lock (_results)
            {
                return _results.Count > 0 ? _results[^1] : throw new Xunit.Sdk.XunitException("The pinner gave no verdict: the certificate callback was never called.");
            }
        }
    }

    public int Count
    {
        get
        {
            lock (_results)
            {
                return _results.Count;
            }
        }
    }
}
