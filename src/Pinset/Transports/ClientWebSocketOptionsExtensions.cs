using System.Net.WebSockets;

namespace Pinset;

/// <summary>Pins <see cref="ClientWebSocket"/> connections.</summary>
public static class ClientWebSocketOptionsExtensions
{
    /// <summary>
    /// Installs pinning as the socket's <see cref="ClientWebSocketOptions.RemoteCertificateValidationCallback"/>. These
    /// options cannot take a chain policy, so with custom trust roots or revocation checking the chain is built a second
    /// time inside the callback. To avoid that, connect through a pinned handler instead:
    /// <c>socket.ConnectAsync(uri, new HttpMessageInvoker(new SocketsHttpHandler().UseCertificatePinning(pinner)), ct)</c>.
    /// Calling it again with the same pinner does nothing. The options never see the URL, so a <c>ws://</c> URL to a pinned
    /// host travels in cleartext: only a pinned handler refuses it (see <see cref="PinningPolicy.RefusesCleartext"/>).
    /// </summary>
    /// <exception cref="InvalidOperationException">The options already have another certificate callback or another pinner.</exception>
    public static ClientWebSocketOptions UseCertificatePinning(this ClientWebSocketOptions options, CertificatePinner pinner)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(pinner);
        if (!AdapterGuard.AlreadyPinned(options.RemoteCertificateValidationCallback, pinner, "ClientWebSocketOptions.RemoteCertificateValidationCallback"))
        {
            options.RemoteCertificateValidationCallback = new PinningCallback(pinner).OnRemoteCertificate;
        }

        return options;
    }
}
