using System.Net.Security;
using System.Net.WebSockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Pinset.Extensions;

/// <summary>
/// The registered pinning, ready for every transport: a pinner that always uses the policy in force, pinned handlers for
/// HttpClient and gRPC, and setup for ClientWebSocket and SslStream. Resolve it from the container.
/// </summary>
public sealed class CertificatePinning
{
    private readonly PinningOptions _options;

    internal CertificatePinning(PinningPolicySource source, PinningMetrics metrics, PinningReporter reporter, TimeProvider time, ILoggerFactory? loggers)
    {
        _options = source.Options;
        var log = (loggers ?? NullLoggerFactory.Instance).CreateLogger("Pinset");
        var observer = _options.OnValidated;
        Pinner = CertificatePinner.WithPolicySource(() => source.Current, new CertificatePinnerOptions
        {
            CustomTrustRoots = _options.CustomTrustRoots,
            CheckCertificateRevocation = _options.CheckCertificateRevocation,
            TimeProvider = time,
            OnValidated = result =>
            {
                metrics.Record(result);
                reporter.Enqueue(result);
                Log(log, result);
                observer?.Invoke(result);
            },
        });
    }

    /// <summary>The pinner, reading the policy in force at each handshake.</summary>
    public CertificatePinner Pinner { get; }

    /// <summary>A new pinned handler, for a <c>GrpcChannel</c> (<c>HttpHandler</c>) or a <c>ClientWebSocket</c> (through an <c>HttpMessageInvoker</c>).</summary>
    public SocketsHttpHandler CreateHttpHandler() => Pin(new SocketsHttpHandler());

    /// <summary>Pins a ClientWebSocket's options (see <see cref="ClientWebSocketOptionsExtensions"/>).</summary>
    public ClientWebSocketOptions Configure(ClientWebSocketOptions options) => options.UseCertificatePinning(Pinner);

    /// <summary>Pins SslStream client options, for FIX sessions and other raw TLS.</summary>
    public SslClientAuthenticationOptions Configure(SslClientAuthenticationOptions options) => options.UseCertificatePinning(Pinner);

    /// <summary>Pins an IHttpClientFactory primary handler, whatever the app made it.</summary>
    internal HttpMessageHandler PinPrimary(HttpMessageHandler handler, string clientName) => handler switch
    {
        SocketsHttpHandler sockets => Pin(sockets),
        HttpClientHandler classic => classic.UseCertificatePinning(Pinner),
        _ => throw new InvalidOperationException(
            $"The primary handler of HttpClient '{clientName}' is a '{handler.GetType().FullName}'; Pinset pins SocketsHttpHandler and HttpClientHandler. Make the primary handler one of them."),
    };

    private SocketsHttpHandler Pin(SocketsHttpHandler handler)
    {
        // Connections opened under a policy that was since replaced are not reused beyond this bound.
        if (handler.PooledConnectionLifetime == Timeout.InfiniteTimeSpan || handler.PooledConnectionLifetime > _options.PooledConnectionLifetime)
        {
            handler.PooledConnectionLifetime = _options.PooledConnectionLifetime;
        }

        return handler.UseCertificatePinning(Pinner);
    }

    private static void Log(ILogger log, PinValidationResult result)
    {
        switch (result.Outcome)
        {
            case PinValidationOutcome.Allowed or PinValidationOutcome.NotPinned:
                return;
            case PinValidationOutcome.PolicyExpired:
                PinningLog.PolicyExpired(log, result.Host, result.ToString());
                return;
            case PinValidationOutcome.ReportOnlyMismatch:
                PinningLog.ReportOnlyMismatch(log, result.Host, result.ToString());
                return;
            default:
                PinningLog.PinValidationFailed(log, result.Host, result.Outcome, result.ToString());
                return;
        }
    }
}
