namespace Pinset;

/// <summary>The hot path: hashes each validated chain certificate's key once and compares it with the policy, without allocating.</summary>
internal static class ChainMatcher
{
    /// <summary>Returns PinMatched, PinMismatch or BannedPin; <paramref name="bannedAt"/> is the index of the first banned certificate, or -1.</summary>
    public static PinValidationOutcome Match<TChain>(HostPolicy policy, TChain chain, out int bannedAt)
        where TChain : struct, IChainDer
    {
        bool pinned = false;
        bannedAt = -1;
        for (int i = 0; i < chain.Count; i++)
        {
            var der = chain.Der(i);
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

        return pinned ? PinValidationOutcome.PinMatched : PinValidationOutcome.PinMismatch;
    }
}
