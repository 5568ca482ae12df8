using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Pinset.Cli;

/// <summary>What one TLS handshake showed: the chain the platform validated, what the server sent, and the verdicts.</summary>
internal sealed record ProbeResult(
    ServerTarget Target,
    string TlsName,
    IReadOnlyList<ChainCertificate> ValidatedChain,
    IReadOnlyList<ChainCertificate> Served,
    SslPolicyErrors PlatformErrors,
    string? PlatformDetail,
    string? PlatformAdvice,
    PinValidationResult? Pinning)
{
    public bool PlatformTrusted => PlatformErrors == SslPolicyErrors.None;

    /// <summary>The response headers of a <c>HEAD /</c>, for the probes that asked for them (<see cref="ResponseHeaders"/>); otherwise none.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];
}

/// <summary>
/// Connects to a server and runs the TLS handshake far enough to see its certificate chain. The certificate callback
/// records the chain and returns the platform's verdict (or the pinner's, which includes it): it never accepts what the
/// platform refused. The connection is closed without sending application data.
/// </summary>
internal static class TlsProbe
{
    /// <summary>
    /// Probes <paramref name="target"/>; when <paramref name="askHeaders"/> says so of a chain that was allowed, and the
    /// server agreed to speak HTTP/1.1 (ALPN), sends one <c>HEAD /</c> and keeps the response headers (never on a chain the
    /// platform or the pins refused, never to a server that did not agree to HTTP).
    /// </summary>
    public static async Task<ProbeResult> ProbeAsync(ServerTarget target, ConnectionSettings settings, CertificatePinner? pinner, CancellationToken cancel, Func<ProbeResult, bool>? askHeaders = null)
    {
        string tlsName = settings.Sni ?? target.Host;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        timeout.CancelAfter(settings.Timeout);
        await using var stream = await ServerConnector.ConnectAsync(target, settings, timeout.Token, cancel).ConfigureAwait(false);
        ProbeResult? seen = null;
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = tlsName,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,

            // Always a full handshake: a probe reports the chain the server presents now, and keeps no session per host
            // (which held the process's memory growing with the number of servers checked).
            AllowTlsResume = false,

            // Offered so that a server speaking HTTP says so: only then is a HEAD request ever sent (see ProbeAsync).
            ApplicationProtocols = [SslApplicationProtocol.Http11],
            RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
            {
                seen = Capture(target, tlsName, certificate, chain, errors, pinner, settings.Roots is not null);
                return seen.Pinning?.IsAllowed ?? seen.PlatformTrusted;
            },
        };
        if (settings.Roots is { Count: > 0 } roots)
        {
            options.CertificateChainPolicy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
            options.CertificateChainPolicy.CustomTrustStore.AddRange(roots);
        }

        await using var tls = new SslStream(stream);
        try
        {
            await tls.AuthenticateAsClientAsync(options, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (seen is null && ex is AuthenticationException or IOException or OperationCanceledException && !cancel.IsCancellationRequested)
        {
            throw new CliException(ExitCodes.ConnectFailed, ex is OperationCanceledException
                ? $"The TLS handshake with '{target}' did not finish within {Duration.Describe(settings.Timeout)} (--timeout)."
                : $"The TLS handshake with '{target}' failed before a certificate was received: {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException)
        {
            // The callback refused, having recorded why; the verdict is in the result.
        }

        // Only to a server that agreed to speak HTTP (ALPN http/1.1): a FIX engine or any other TLS service is never sent
        // a request, whatever its certificate.
        if (seen is not null && tls.IsAuthenticated && tls.NegotiatedApplicationProtocol == SslApplicationProtocol.Http11 && askHeaders?.Invoke(seen) == true)
        {
            seen = seen with { Headers = await ResponseHeaders.ReadAsync(tls, tlsName, timeout.Token).ConfigureAwait(false) };
        }

        return seen ?? throw new CliException(ExitCodes.ConnectFailed, $"'{target}' completed no TLS handshake.");
    }

    private static ProbeResult Capture(ServerTarget target, string tlsName, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors, CertificatePinner? pinner, bool customRoots)
    {
        return new ProbeResult(
            target,
            tlsName,
            chain is null ? [] : ChainCertificate.FromChain(chain),
            chain is null || certificate is null ? [] : ChainCertificate.FromServed(certificate, chain),
            errors,
            errors == SslPolicyErrors.None || chain is null ? null : ChainStatusText.Describe(errors, chain),
            errors == SslPolicyErrors.None ? null : Cli.PlatformAdvice.For(errors, chain, tlsName, customRoots),
            pinner?.Validate(tlsName, target.Port, certificate, chain, errors));
    }
}
