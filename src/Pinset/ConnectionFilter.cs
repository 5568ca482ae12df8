using System.Net.Security;

namespace Pinset;

/// <summary>
/// The <see cref="SocketsHttpHandler.PlaintextStreamFilter"/> a pinned handler runs on every new connection, after the
/// TLS handshake and before the first request. It refuses a TLS connection the pinning callback never saw (the handler's
/// callback was replaced after pinning), and, when the policy can change, wraps the stream so each later request on the
/// pooled connection is judged against the policy then in force. An app's own filter runs first and is wrapped.
/// </summary>
internal sealed class ConnectionFilter(PinningCallback callback, Func<SocketsHttpPlaintextStreamFilterContext, CancellationToken, ValueTask<Stream>>? inner)
{
    public PinningCallback Callback { get; } = callback;

    public async ValueTask<Stream> FilterAsync(SocketsHttpPlaintextStreamFilterContext context, CancellationToken cancellationToken)
    {
        var stream = inner is null ? context.PlaintextStream : await inner(context, cancellationToken).ConfigureAwait(false);
        if (context.PlaintextStream is not SslStream tls)
        {
            return stream;
        }

        return Callback.Seen(tls) switch
        {
            ValidatedConnection connection => new RevalidatingStream(stream, connection),
            null => throw new IOException(
                $"The TLS connection to '{tls.TargetHostName}' was not validated by Pinset: the SocketsHttpHandler's SslOptions.RemoteCertificateValidationCallback was replaced after UseCertificatePinning. Pinset refuses the connection rather than let it run unpinned; do not set the callback on a pinned handler."),
            _ => stream,
        };
    }
}
