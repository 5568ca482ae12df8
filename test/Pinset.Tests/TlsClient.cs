using System.Net.Security;

namespace Pinset.Tests;

/// <summary>Drives a real SslStream client handshake through a pinner and reports what happened.</summary>
internal static class TlsClient
{
    public sealed record Outcome(PinValidationResult? Result, Exception? Error, bool Completed);

    public static Task<Outcome> ConnectAsync(LoopbackTlsServer server, CertificatePinner pinner, string host = TestPki.DefaultHost) =>
        ConnectAsync(() => server.ConnectAsync(), pinner, host, readResponse: true);

    /// <summary>Handshakes and sends a request; reads the answer only from servers that give one (s_server echoes instead).</summary>
    public static async Task<Outcome> ConnectAsync(Func<Task<System.Net.Sockets.NetworkStream>> connect, CertificatePinner pinner, string host = TestPki.DefaultHost, bool readResponse = false)
    {
        PinValidationResult? seen = null;
        var observing = new CertificatePinner(pinner.Policy, pinner.Options with
        {
            OnValidated = r =>
            {
                seen = r;
                pinner.Options.OnValidated?.Invoke(r);
            },
        });
        await using var stream = await connect();
        await using var tls = new SslStream(stream);
        try
        {
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = host }.UseCertificatePinning(observing));
            await tls.WriteAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray());
            var buffer = new byte[256];
            if (readResponse)
            {
                _ = await tls.ReadAsync(buffer);
            }
            return new Outcome(seen, null, true);
        }
        catch (Exception ex)
        {
            return new Outcome(seen, ex, false);
        }
    }
}
