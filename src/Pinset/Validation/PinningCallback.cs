using System.Net.Security;
using System.Runtime.CompilerServices;
using System.Security.Cryptography.X509Certificates;

namespace Pinset;

/// <summary>
/// The certificate callback every adapter installs. It returns true only for a result that allows the connection, which
/// needs the platform's validation to have passed; any refusal, and any exception on the way (in Pinset or in the
/// <see cref="CertificatePinnerOptions.OnValidated"/> observer), throws <see cref="PinValidationException"/>, which
/// aborts the handshake before a byte of application data is sent and carries the failure block to the caller.
/// </summary>
internal sealed class PinningCallback(CertificatePinner pinner, bool trackConnections = false)
{
    /// <summary>Marks a connection this callback allowed under a policy that cannot change: nothing to judge again.</summary>
    private static readonly object Allowed = new();

    private readonly ConditionalWeakTable<SslStream, object>? _allowed = trackConnections ? new() : null;

    public CertificatePinner Pinner { get; } = pinner;

    /// <summary>True when allowed connections are remembered for <see cref="ConnectionFilter"/>.</summary>
    public bool TracksConnections => _allowed is not null;

    /// <summary>
    /// For SslStream, SocketsHttpHandler and ClientWebSocket: the sender is the SslStream, whose target host was
    /// validated. It does not reveal the port, so results say 0. Any other sender (HTTP/3 hands Pinset a QUIC
    /// connection) is refused: Pinset has no tested validation path for it yet.
    /// </summary>
    public bool OnRemoteCertificate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (sender is not SslStream stream)
        {
            HandshakeMarks.MarkValidated();
            throw new PinValidationException(PinValidationResult.Refused(PinValidationOutcome.ValidationError, string.Empty,
                $"The TLS connection is a '{sender?.GetType().FullName ?? "null"}', not an SslStream. HTTP/3 runs over QUIC, which Pinset does not pin yet, so it refuses the connection rather than leave it unpinned; send the request as HTTP/2 or HTTP/1.1 (HttpVersionPolicy.RequestVersionOrLower)."));
        }

        bool allowed = Check(stream.TargetHostName, 0, certificate, chain, errors, out var judgedUnder);
        if (_allowed is not null)
        {
            // Recorded under the policy the verdict was made under: one read again now may be a reload that never judged it.
            _allowed.AddOrUpdate(stream, Pinner.HasPolicySource ? ValidatedConnection.Capture(Pinner, stream.TargetHostName, chain!, judgedUnder!) : Allowed);
        }

        return allowed;
    }

    /// <summary>For HttpClientHandler: the host is the request's Host header, else its URI's host, as the handler uses for SNI.</summary>
    public bool OnServerCertificate(HttpRequestMessage request, X509Certificate2? certificate, X509Chain? chain, SslPolicyErrors errors) =>
        Check(TlsHostOf(request), request?.RequestUri is { IsAbsoluteUri: true } uri ? uri.Port : 0, certificate, chain, errors, out _);

    /// <summary>True when the connection is allowed, with the policy the verdict was made under; a refusal throws <see cref="PinValidationException"/>.</summary>
    public bool Check(string? host, int port, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors, out PinningPolicy? judgedUnder)
    {
        HandshakeMarks.MarkValidated();
        PinValidationResult result;
        try
        {
            result = Pinner.Validate(host, port, certificate, chain, errors, out judgedUnder);
        }
        catch (Exception ex)
        {
            throw new PinValidationException(PinValidationResult.ForError(host ?? string.Empty, ex));
        }

        return result.IsAllowed ? true : throw new PinValidationException(result);
    }

    /// <summary>
    /// What this callback knows of a connection it was asked about: null when it never saw the stream (the handler's
    /// callback was replaced after pinning), the marker for a fixed policy, or the chain to judge again.
    /// </summary>
    public object? Seen(SslStream stream) => _allowed is not null && _allowed.TryGetValue(stream, out var seen) ? seen : null;

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
