using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Pinset.Cli;

/// <summary>
/// What to do when the platform refused a chain, one piece of advice per reason it gave: an expired certificate, a
/// wrong host name and a missing intermediate each have their own fix, and only an unknown root is a case for
/// <c>--ca-file</c>.
/// </summary>
internal static class PlatformAdvice
{
    /// <summary>Every status flag of the chain and of each of its elements.</summary>
    private static X509ChainStatusFlags Flags(X509Chain chain)
    {
        var flags = X509ChainStatusFlags.NoError;
        foreach (var status in chain.ChainStatus)
        {
            flags |= status.Status;
        }

        foreach (var element in chain.ChainElements)
        {
            foreach (var status in element.ChainElementStatus)
            {
                flags |= status.Status;
            }
        }

        return flags;
    }

    /// <summary>The advice for one refusal of <paramref name="chain"/> (null when the platform built none), as sentences.</summary>
    public static string For(SslPolicyErrors errors, X509Chain? chain, string tlsName, bool customRoots)
    {
        var flags = chain is null ? X509ChainStatusFlags.NoError : Flags(chain);
        var advice = new List<string>();
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            advice.Add("The server sent no certificate: check that this port serves TLS.");
        }

        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            advice.Add($"The certificate is not issued for '{tlsName}': check the host name, or give --sni with a name the certificate carries.");
        }

        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors))
        {
            if (flags.HasFlag(X509ChainStatusFlags.NotTimeValid))
            {
                advice.Add("A certificate of the chain has expired or is not yet valid: the server must renew it (or this machine's clock is wrong).");
            }

            if (flags.HasFlag(X509ChainStatusFlags.Revoked))
            {
                advice.Add("A certificate of the chain is revoked: the server must replace it.");
            }

            if (flags.HasFlag(X509ChainStatusFlags.NotSignatureValid))
            {
                advice.Add("A signature in the chain does not verify: the chain is damaged or forged.");
            }

            if ((flags & (X509ChainStatusFlags.NotValidForUsage | X509ChainStatusFlags.InvalidBasicConstraints | X509ChainStatusFlags.InvalidNameConstraints
                | X509ChainStatusFlags.HasNotPermittedNameConstraint | X509ChainStatusFlags.HasExcludedNameConstraint | X509ChainStatusFlags.InvalidExtension)) != 0)
            {
                advice.Add("A certificate of the chain may not be used this way (its key usage, basic or name constraints forbid it): the chain is misissued.");
            }

            if (flags.HasFlag(X509ChainStatusFlags.PartialChain) && UnknownIssuerOfSentCa(chain) is { } top)
            {
                // The server sent its intermediate (the chain got past the leaf); what is missing is the root above it.
                advice.Add($"The chain ends at '{Printable.Escape(top.Subject)}', sent by the server, whose issuer '{Printable.Escape(top.Issuer)}' is "
                    + (customRoots
                        ? "not a root in the --ca-file: give that root's certificate in it."
                        : "not a root this machine trusts: for a private or test CA, give that root with --ca-file (curl: --cacert). If you expected a public CA, something may be intercepting this connection."));
            }
            else if (flags.HasFlag(X509ChainStatusFlags.PartialChain))
            {
                advice.Add($"The chain does not reach {(customRoots ? "a root in the --ca-file" : "a trusted root")}: the server probably does not send its intermediate certificate (it must send the full chain)"
                    + (customRoots ? ", or the --ca-file lacks the root that issued it." : "; if the CA is private, give its root with --ca-file (curl: --cacert)."));
            }
            else if (flags.HasFlag(X509ChainStatusFlags.UntrustedRoot))
            {
                advice.Add(customRoots
                    ? "The chain ends at a root that is not in the --ca-file."
                    : "The chain ends at a root this machine does not trust: for a private or test CA, give its root with --ca-file (curl: --cacert). If you expected a public CA, something may be intercepting this connection.");
            }
        }

        return advice.Count > 0 ? string.Join(' ', advice) : "Show the chain the server sends with 'pinset pin --insecure' to see what is wrong with it.";
    }

    /// <summary>
    /// The top of a partial chain when it is a CA certificate past the leaf that is not self-signed: the server sent its
    /// intermediate, and only the root above it is unknown. Null when the chain stops at the leaf (the intermediate is
    /// missing) or at a self-signed certificate.
    /// </summary>
    private static X509Certificate2? UnknownIssuerOfSentCa(X509Chain? chain)
    {
        var elements = chain?.ChainElements;
        if (elements is null || elements.Count < 2)
        {
            return null;
        }

        var top = elements[^1].Certificate;
        return top.SubjectName.RawData.AsSpan().SequenceEqual(top.IssuerName.RawData) ? null : top;
    }
}
