using System.Net.Security;

namespace Pinset;

/// <summary>
/// The <see cref="SocketsHttpHandler.PlaintextStreamFilter"/> a pinned handler runs on every new connection, after the
/// TLS handshake and before the first request. It refuses a TLS connection the pinning callback never saw (the handler's
/// SslOptions or their callback were replaced after pinning) and a cleartext connection (<c>http://</c>, <c>ws://</c>)
/// for a host the policy covers, which pinning cannot protect; and, when the policy can change, it wraps the stream so
/// each later request on the pooled connection is judged against the policy then in force. An app's own filter runs
/// first and is wrapped.
/// </summary>
internal sealed class ConnectionFilter(PinningCallback callback, Func<SocketsHttpPlaintextStreamFilterContext, CancellationToken, ValueTask<Stream>>? inner)
{
    public PinningCallback Callback { get; } = callback;

    public ValueTask<Stream> FilterAsync(SocketsHttpPlaintextStreamFilterContext context, CancellationToken cancellationToken) =>
        inner is null ? new(Filter(context, context.PlaintextStream)) : AfterInnerAsync(context, cancellationToken);

    private async ValueTask<Stream> AfterInnerAsync(SocketsHttpPlaintextStreamFilterContext context, CancellationToken cancellationToken) =>
        Filter(context, await inner!(context, cancellationToken).ConfigureAwait(false));

    private Stream Filter(SocketsHttpPlaintextStreamFilterContext context, Stream stream)
    {
        if (context.PlaintextStream is not SslStream tls)
        {
            RefuseCleartextToPinnedHost(context.InitialRequestMessage.RequestUri);
            return stream;
        }

        return Callback.Seen(tls) switch
        {
            ValidatedConnection connection => new RevalidatingStream(stream, connection),
            null => throw new IOException(
                $"The TLS connection to '{tls.TargetHostName}' was not validated by Pinset: the SocketsHttpHandler's SslOptions, or their RemoteCertificateValidationCallback, were replaced after UseCertificatePinning. Pinset refuses the connection rather than let it run unpinned; set the handler's TLS options before pinning it, and never its certificate callback."),
            _ => stream,
        };
    }

    private void RefuseCleartextToPinnedHost(Uri? uri)
    {
        if (uri is not null && Callback.Pinner.Policy.RefusesCleartext(uri, out var reason))
        {
            throw new IOException(reason);
        }
    }
}
