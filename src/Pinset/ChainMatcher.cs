using System.Security.Cryptography.X509Certificates;

namespace Pinset;

/// <summary>The hot path: hashes each validated chain certificate's key once and compares it with the policy, without allocating.</summary>
internal static class ChainMatcher
{
    /// <summary>Returns Allowed, PinMismatch or BannedPin; <paramref name="bannedAt"/> is the index of the first banned certificate, or -1.</summary>
    public static PinValidationOutcome Match(PinPolicy policy, X509ChainElementCollection elements, out int bannedAt)
    {
        bool pinned = false;
        bannedAt = -1;
        for (int i = 0; i < elements.Count; i++)
        {
            var der = elements[i].Certificate.RawDataMemory.Span;
            if (!Der.TryGetCertificateSpki(der, out var spki))
            {
                continue;
            }

            var digest = SpkiDigestMemo.Digest(spki);
            if (policy.IsBanned(digest))
            {
                bannedAt = i;
                return PinValidationOutcome.BannedPin;
            }

            pinned = pinned || policy.IsPinned(digest) || (policy.HasCertificatePins && policy.IsPinnedCertificate(Sha256Digest.Hash(der)));
        }

        return pinned ? PinValidationOutcome.Allowed : PinValidationOutcome.PinMismatch;
    }
}
