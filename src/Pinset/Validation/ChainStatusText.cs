using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Pinset;

/// <summary>Says in words why the platform refused a chain: its policy errors and each element's status.</summary>
internal static class ChainStatusText
{
    /// <summary>One sentence: what the platform reported, with each chain element's status.</summary>
    public static string Describe(SslPolicyErrors errors, X509Chain chain)
    {
        ArgumentNullException.ThrowIfNull(chain);
        var parts = new List<string>();
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            parts.Add("the server presented no certificate");
        }

        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            parts.Add("the certificate is not for this host name");
        }

        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors))
        {
            var statuses = chain.ChainElements
                .SelectMany((element, index) => element.ChainElementStatus.Select(s => $"certificate {index} ('{Printable.Escape(element.Certificate.Subject)}'): {s.Status}"))
                .Concat(chain.ChainStatus.Select(s => $"chain: {s.Status}"))
                .Distinct()
                .ToList();
            parts.Add("the chain is not trusted" + (statuses.Count > 0 ? $" ({string.Join("; ", statuses)})" : string.Empty));
        }

        if (parts.Count == 0)
        {
            parts.Add("the platform built no chain");
        }

        return $"{char.ToUpperInvariant(parts[0][0])}{string.Join("; ", parts)[1..]}.";
    }
}
