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
    private readonly ILogger _log;
    private readonly HashSet<string> _classicHandlers = new(StringComparer.Ordinal);
    private HttpMessageInvoker? _webSocketInvoker;
    private readonly PinBundleRefresher? _refresher;

    internal CertificatePinning(PinningPolicyMonitor monitor, PinningMetrics metrics, PinningReporter reporter, TimeProvider time, ILoggerFactory? loggers, PinBundleRefresher? refresher = null)
    {
        Monitor = monitor;
        _refresher = refresher;
        _ = monitor.Current; // builds the first policy, or throws with every error
        _options = monitor.Options!;
        _log = (loggers ?? NullLoggerFactory.Instance).CreateLogger("Pinset");
        var observer = _options.OnValidated;
        Pinner = CertificatePinner.WithPolicySource(() => monitor.Current, new CertificatePinnerOptions
        {
            CustomTrustRoots = _options.CustomTrustRoots,
            CheckCertificateRevocation = _options.CheckCertificateRevocation,
            DangerousAcceptRelaxedChainPolicy = _options.DangerousAcceptRelaxedChainPolicy,
            TimeProvider = time,
            OnValidated = result =>
            {
                metrics.Record(result);
                reporter.Enqueue(result);
                Log(_log, result);
                observer?.Invoke(result);
            },
        });
        monitor.Replaced += WarnAboutClassicHandlers;
        if (_options.DetectUnpinnedHandshakes)
        {
            Coverage = new PinningCoverageGuard(Pinner, handshake =>
            {
                metrics.RecordUnpinned(handshake);
                PinningLog.UnpinnedHandshake(_log, handshake.Host, handshake.Pattern?.ToString() ?? "requirePinnedHosts");
            });
        }
    }

    /// <summary>
    /// Fetches the pin bundle now (as the background refresh does on its interval) and applies it if it is newer and
    /// verifies: for an app told by its own channel that a new bundle is out. Never throws for a bad bundle or a failed
    /// fetch: the result says what happened, and the policy in force changes only for an applied bundle.
    /// </summary>
    public Task<PinBundleRefreshResult> RefreshBundleAsync(CancellationToken cancellationToken = default) =>
        _refresher?.RefreshAsync(cancellationToken)
        ?? Task.FromResult(new PinBundleRefreshResult(PinBundleRefreshOutcome.Disabled, null, null, "Pin bundles are not registered."));

    /// <summary>The pinner, reading the policy in force at each handshake.</summary>
    public CertificatePinner Pinner { get; }

    /// <summary>The coverage guard, when <see cref="PinningOptions.DetectUnpinnedHandshakes"/> is on.</summary>
    internal PinningCoverageGuard? Coverage { get; }

    internal PinningPolicyMonitor Monitor { get; }

    /// <summary>One pinned handler for every WebSocket this instance connects; it lives as long as the app.</summary>
    private HttpMessageInvoker WebSocketInvoker => LazyInitializer.EnsureInitialized(ref _webSocketInvoker, () => new HttpMessageInvoker(CreateHttpHandler()));

    /// <summary>A new pinned handler, for a <c>GrpcChannel</c> (<c>HttpHandler</c>) or a <c>ClientWebSocket</c> (through an <c>HttpMessageInvoker</c>).</summary>
    public SocketsHttpHandler CreateHttpHandler() => Pin(new SocketsHttpHandler());

    /// <summary>
    /// Connects a <see cref="ClientWebSocket"/> through a pinned handler (one chain build per handshake), for libraries
    /// that take a connection factory: <c>new WebsocketClient(url, logger, pinning.ConnectWebSocketAsync)</c>
    /// (Websocket.Client). A refused handshake throws a <see cref="WebSocketException"/> with the
    /// <see cref="PinValidationException"/> inside; a <c>ws://</c> URL to a pinned host is refused before a byte is sent.
    /// (A socket pinned through its options alone cannot refuse <c>ws://</c>: its options never see the URL. This is why
    /// Pinset offers no factory of such sockets.)
    /// </summary>
    public async Task<WebSocket> ConnectWebSocketAsync(Uri uri, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        try
        {
            await socket.ConnectAsync(uri, WebSocketInvoker, cancellationToken).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Pins an IHttpClientFactory primary handler: a SocketsHttpHandler or an HttpClientHandler, or the innermost handler
    /// of a chain of DelegatingHandlers that ends in one (as Refit's authorization handler makes it). Anything else is
    /// refused with the client's name.
    /// </summary>
    internal HttpMessageHandler PinPrimary(HttpMessageHandler handler, string clientName)
    {
        var innermost = handler;
        while (innermost is DelegatingHandler { InnerHandler: { } inner })
        {
            innermost = inner;
        }

        switch (innermost)
        {
            case SocketsHttpHandler sockets:
                Pin(sockets);
                return handler;
            case HttpClientHandler classic:
                classic.UseCertificatePinning(Pinner);
                lock (_classicHandlers)
                {
                    _classicHandlers.Add(clientName);
                }

                return handler;
            default:
                string chain = ReferenceEquals(innermost, handler) ? string.Empty : $" (the innermost handler of its '{handler.GetType().FullName}' chain)";
                throw new InvalidOperationException(
                    $"The primary handler of HttpClient '{clientName}' is a '{innermost.GetType().FullName}'{chain}; Pinset pins SocketsHttpHandler and HttpClientHandler, so this client cannot be pinned and is refused rather than connect unpinned. Make the primary handler (or the innermost handler of a DelegatingHandler chain) one of them.");
        }
    }

    private SocketsHttpHandler Pin(SocketsHttpHandler handler)
    {
        // Pinned first: a handler that already sent a request is refused with Pinset's message, not the runtime's.
        handler.UseCertificatePinning(Pinner);

        // Connections are judged again when the policy changes; the lifetime also lets a CDN's new key show promptly.
        if (handler.PooledConnectionLifetime == Timeout.InfiniteTimeSpan || handler.PooledConnectionLifetime > _options.PooledConnectionLifetime)
        {
            handler.PooledConnectionLifetime = _options.PooledConnectionLifetime;
        }

        return handler;
    }

    private void WarnAboutClassicHandlers(PinningPolicy old, PinningPolicy current)
    {
        string[] clients;
        lock (_classicHandlers)
        {
            clients = [.. _classicHandlers.Order(StringComparer.Ordinal)];
        }

        var removed = old.Policies.SelectMany(p => p.Pins).Except(current.Policies.SelectMany(p => p.Pins)).ToList();
        if (clients.Length > 0 && removed.Count > 0)
        {
            PinningLog.PooledConnectionsNotRechecked(_log, string.Join(", ", removed), string.Join(", ", clients.Select(c => $"'{c}'")));
        }
    }

    private static void Log(ILogger log, PinValidationResult result)
    {
        switch (result.Outcome)
        {
            case PinValidationOutcome.PinMatched or PinValidationOutcome.NoPolicy:
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
