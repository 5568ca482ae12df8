using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Pinset;

/// <summary>
/// The certificate callback every adapter installs. It returns true only for a result that allows the connection, which
/// needs the platform's validation to have passed; any refusal, and any exception on the way (in Pinset or in the
/// <see cref="CertificatePinnerOptions.OnValidated"/> observer), throws <see cref="PinValidationException"/>, which
/// aborts the handshake before a byte of application data is sent and carries the failure block to the caller.
/// </summary>
internal sealed class PinningCallback(CertificatePinner pinner)
{
    public CertificatePinner Pinner { get; } = pinner;

    /// <summary>
    /// For SslStream, SocketsHttpHandler and ClientWebSocket: the sender is the SslStream, whose target host was
    /// validated. It does not reveal the port, so results say 0.
    /// </summary>
    public bool OnRemoteCertificate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors) =>
        Check((sender as SslStream)?.TargetHostName, 0, certificate, chain, errors);

    /// <summary>For HttpClientHandler: the host is the request's Host header, else its URI's host, as the handler uses for SNI.</summary>
    public bool OnServerCertificate(HttpRequestMessage request, X509Certificate2? certificate, X509Chain? chain, SslPolicyErrors errors) =>
        Check(TlsHostOf(request), request?.RequestUri is { IsAbsoluteUri: true } uri ? uri.Port : 0, certificate, chain, errors);

    public bool Check(string? host, int port, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        PinValidationResult result;
        try
        {
            result = Pinner.Validate(host, port, certificate, chain, errors);
            Pinner.Options.OnValidated?.Invoke(result);
        }
        catch (Exception ex)
        {
            throw new PinValidationException(PinValidationResult.ForError(host ?? string.Empty, ex));
        }

        return result.IsAllowed ? true : throw new PinValidationException(result);
    }

    private static string? TlsHostOf(HttpRequestMessage? request)
    {
        var header = request?.Headers.Host;
        if (string.IsNullOrEmpty(header))
        {
            return request?.RequestUri?.IdnHost;
        }

        // Host header: "name", "name:port", "[v6]" or "[v6]:port".
        if (header.StartsWith('['))
        {
            int close = header.IndexOf(']', StringComparison.Ordinal);
            return close > 0 ? header[..(close + 1)] : header;
        }

        int colon = header.LastIndexOf(':');
        return colon > 0 && header.IndexOf(':', StringComparison.Ordinal) == colon ? header[..colon] : header;
    }
}
