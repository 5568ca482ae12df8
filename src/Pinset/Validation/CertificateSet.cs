using System.Security.Cryptography.X509Certificates;

namespace Pinset;

/// <summary>Set questions on certificate collections, by reference first (Pinset's own chain policies) and then by DER bytes.</summary>
internal static class CertificateSet
{
    /// <summary>True when every certificate of <paramref name="subset"/> is in <paramref name="store"/>. No allocation.</summary>
    public static bool ContainsAll(X509Certificate2Collection store, X509Certificate2Collection subset)
    {
        for (int r = 0; r < subset.Count; r++)
        {
            var wanted = subset[r];
            bool found = false;
            for (int s = 0; s < store.Count && !found; s++)
            {
                var candidate = store[s];
                found = ReferenceEquals(candidate, wanted) || candidate.RawDataMemory.Span.SequenceEqual(wanted.RawDataMemory.Span);
            }

            if (!found)
            {
                return false;
            }
        }

        return true;
    }
}
