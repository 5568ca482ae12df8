using System.Net.Security;

namespace Pinset.Tests;

/// <summary>
/// Pinning that comes too late, or is undone by a setting made after it, fails loudly: a handler that already sent a
/// request cannot be pinned, and a pinned handler whose TLS options or callback were replaced refuses to connect.
/// </summary>
public sealed class LatePinningTests : IAsyncLifetime
{
    private ExchangeServers _servers = null!;

    private TestPki Pki => _servers.Pki;

    public async Task InitializeAsync() => _servers = await ExchangeServers.StartAsync();

    public Task DisposeAsync() => _servers.DisposeAsync().AsTask();

    private Uri Ticker => new($"https://localhost:{_servers.Genuine.Port}/ticker");

    private CertificatePinner Pinner => Pki.Pinner(new HostPolicyConfiguration { Hosts = ["localhost"], Pins = [Pki.Intermediate.Pin.ToString(), TestPki.BackupPin.ToString()] });

    [Fact]
    public async Task SocketsHttpHandler_AlreadySentARequest_PinningThrows()
    {
        using var handler = new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true } };
        handler.SslOptions.RemoteCertificateValidationCallback = null;
        using var client = new HttpClient(handler, disposeHandler: false);
        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetStringAsync(Ticker)); // untrusted test root: but the handler has started

        var error = Assert.Throws<InvalidOperationException>(() => handler.UseCertificatePinning(Pinner));
        Assert.Contains("has already sent a request", error.Message, StringComparison.Ordinal);
        Assert.Contains("pinning it now would do nothing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HttpClientHandler_AlreadySentARequest_PinningThrows()
    {
        using var handler = new HttpClientHandler();
        using var client = new HttpClient(handler, disposeHandler: false);
        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetStringAsync(Ticker));

        var error = Assert.Throws<InvalidOperationException>(() => handler.UseCertificatePinning(Pinner));
        Assert.Contains("has already sent a request", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PinnedHandler_PinnedAgainAfterUse_SamePinnerIsANoOp()
    {
        var pinner = Pinner;
        using var handler = new SocketsHttpHandler().UseCertificatePinning(pinner);
        using var client = new HttpClient(handler, disposeHandler: false);
        Assert.Equal("BTC-USD 97000.00", await client.GetStringAsync(Ticker));
        Assert.Same(handler, handler.UseCertificatePinning(pinner));
        Assert.Equal("BTC-USD 97000.00", await client.GetStringAsync(Ticker));
    }

    [Fact]
    public async Task SslOptionsReplacedAfterPinning_ConnectionRefused()
    {
        var handler = new SocketsHttpHandler().UseCertificatePinning(Pinner);
        handler.SslOptions = new SslClientAuthenticationOptions
        {
            // What an app adding a client certificate might write, dropping Pinset's callback with the old options.
            CertificateChainPolicy = new System.Security.Cryptography.X509Certificates.X509ChainPolicy
            {
                TrustMode = System.Security.Cryptography.X509Certificates.X509ChainTrustMode.CustomRootTrust,
                RevocationMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck,
                CustomTrustStore = { Pki.Root.Certificate },
            },
        };
        using var client = new HttpClient(handler);

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetStringAsync(Ticker));
        Assert.True(error.ToString().Contains("was not validated by Pinset", StringComparison.Ordinal), error.ToString());
        Assert.Equal(0, _servers.Genuine.Requests);
    }

    [Fact]
    public async Task CallbackReplacedAfterPinning_ConnectionRefused()
    {
        var handler = new SocketsHttpHandler().UseCertificatePinning(Pinner);
        handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        using var client = new HttpClient(handler);

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetStringAsync(Ticker));
        Assert.Contains("RemoteCertificateValidationCallback, were replaced after UseCertificatePinning", error.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, _servers.Genuine.Requests);
    }

    [Fact]
    public async Task AppFilterSetBeforePinning_RunsAndConnectionIsPinned()
    {
        int filtered = 0;
        var handler = new SocketsHttpHandler
        {
            PlaintextStreamFilter = (context, _) =>
            {
                Interlocked.Increment(ref filtered);
                return ValueTask.FromResult(context.PlaintextStream);
            },
        }.UseCertificatePinning(Pinner);
        using var client = new HttpClient(handler);
        Assert.Equal("BTC-USD 97000.00", await client.GetStringAsync(Ticker));
        Assert.Equal(1, filtered);
    }
}
