using System.Security.Cryptography.X509Certificates;

namespace Pinset;

/// <summary>
/// A pooled connection's validated chain, kept so the connection can be judged again when the pinner's policy changes:
/// a change that removes the pin a connection was allowed by must stop its reuse, not wait for it to age out. Holds the
/// DER of each certificate without copying it, the normalised host, and the policy it was last allowed under.
/// </summary>
internal sealed class ValidatedConnection
{
    private readonly CertificatePinner _pinner;
    private readonly string _host;
    private readonly ReadOnlyMemory<byte>[] _chain;
    private PinningPolicy _policy;

    private ValidatedConnection(CertificatePinner pinner, string host, ReadOnlyMemory<byte>[] chain, PinningPolicy policy)
    {
        _pinner = pinner;
        _host = host;
        _chain = chain;
        _policy = policy;
    }

    /// <summary>Keeps what a later judgement needs from a chain the callback just allowed under <paramref name="allowedUnder"/>.</summary>
    public static ValidatedConnection Capture(CertificatePinner pinner, string? host, X509Chain chain, PinningPolicy allowedUnder)
    {
        var elements = chain.ChainElements;
        var der = new ReadOnlyMemory<byte>[elements.Count];
        for (int i = 0; i < der.Length; i++)
        {
            der[i] = elements[i].Certificate.RawDataMemory;
        }

        return new ValidatedConnection(pinner, HostName.TryNormalize(host, out var name) ? name : host ?? string.Empty, der, allowedUnder);
    }

    /// <summary>
    /// Null while the policy in force still allows the connection (judged again only when the policy object changed);
    /// otherwise the refusing result, which the observer has seen.
    /// </summary>
    public PinValidationResult? Recheck()
    {
        PinningPolicy current;
        try
        {
            current = _pinner.Policy;
        }
        catch (Exception ex)
        {
            return PinValidationResult.ForError(_host, ex);
        }

        if (ReferenceEquals(current, Volatile.Read(ref _policy)))
        {
            return null;
        }

        var verdict = _pinner.Judge(current, _host, new StoredDer(_chain));
        if (verdict.Outcome is PinValidationOutcome.PinMatched or PinValidationOutcome.NoPolicy or PinValidationOutcome.PolicyExpired or PinValidationOutcome.ReportOnlyMismatch)
        {
            Volatile.Write(ref _policy, current);
            return null;
        }

        var result = new PinValidationResult(verdict.Outcome, _host, verdict.Match)
        {
            Detail = $"The pinning policy changed after this pooled connection was validated, and the policy now in force refuses its chain, so the connection is closed and not used again. {verdict.Detail}".TrimEnd(),
            ValidatedChain = [.. _chain.Select(der => ChainCertificate.FromDer(der.Span))],
            Authorities = _pinner.Options.CertificateAuthorities,
        };
        try
        {
            _pinner.Options.OnValidated?.Invoke(result);
        }
        catch (Exception)
        {
            // The connection is refused either way; an observer's failure cannot make it usable again.
        }

        return result;
    }
}
