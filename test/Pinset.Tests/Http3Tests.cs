using System.Net.Security;

namespace Pinset.Tests;

/// <summary>
/// HTTP/3 hands the certificate callback a QUIC connection, not an SslStream. QUIC needs libmsquic, which these machines
/// lack, so no handshake over it can be tested here; Pinset therefore refuses such a connection with a sentence that
/// names HTTP/3, whatever the policy, instead of guessing at an untested path.
/// </summary>
public sealed class Http3Tests : IDisposable
{
    private readonly TestPki _pki = new();

    public void Dispose() => _pki.Dispose();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void PinnedCallback_SenderNotAnSslStream_RefusedNamingHttp3(bool requirePinnedHosts)
    {
        var pinner = _pki.Pinner(new HostPolicyConfiguration { Hosts = [TestPki.DefaultHost], Pins = [_pki.Intermediate.Pin.ToString(), TestPki.BackupPin.ToString()] }, requirePinnedHosts);
        using var handler = new SocketsHttpHandler().UseCertificatePinning(pinner);
        var callback = handler.SslOptions.RemoteCertificateValidationCallback!;
        using var chain = new System.Security.Cryptography.X509Certificates.X509Chain();

        var quicLike = new object(); // what SocketsHttpHandler passes for HTTP/3 is a System.Net.Quic.QuicConnection
        var error = Assert.Throws<PinValidationException>(() => callback(quicLike, _pki.Leaf, chain, SslPolicyErrors.None));
        Assert.Equal(PinValidationOutcome.ValidationError, error.Result.Outcome);
        Assert.Contains("HTTP/3 runs over QUIC, which Pinset does not pin yet", error.Message, StringComparison.Ordinal);
        Assert.Contains("RequestVersionOrLower", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PinnedHandler_RequestAllowingHttp3_FallsBackToHttp2AndIsPinned()
    {
        await using var interceptor = await KestrelExchange.StartAsync(_pki.InterceptorLeaf, [_pki.InterceptorLeaf]);
        var handler = Loopback.Route(new SocketsHttpHandler().UseCertificatePinning(_pki.Pinner(_pki.Intermediate.Pin)), interceptor.Port);
        using var client = new HttpClient(handler) { DefaultRequestVersion = new Version(3, 0), DefaultVersionPolicy = HttpVersionPolicy.RequestVersionOrLower };
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetStringAsync(new Uri(interceptor.Url(), "ticker")));
        Assert.Equal(PinValidationOutcome.PinMismatch, PolicyChangeTests.FindPinning(error).Result.Outcome);
        Assert.Equal(0, interceptor.Requests);
    }
}
