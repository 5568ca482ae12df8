namespace Pinset.Tests;

/// <summary>
/// IPv6 spellings over real TLS: a zone id names the local interface, not the server, so <c>[::1%1]</c> is the pinned
/// <c>::1</c>; before this was normalised, a policy for <c>::1</c> did not apply to it and an interceptor was reached.
/// The connection is routed to loopback whatever the URL says.
/// </summary>
public sealed class IPv6SpellingTests : IAsyncLifetime
{
    private ExchangeServers _servers = null!;

    private TestPki Pki => _servers.Pki;

    public async Task InitializeAsync() => _servers = await ExchangeServers.StartAsync();

    public Task DisposeAsync() => _servers.DisposeAsync().AsTask();

    private HttpClient Client(int port) => new(Loopback.Route(new SocketsHttpHandler().UseCertificatePinning(
        Pki.Pinner(new HostPolicyConfiguration { Hosts = ["::1", "127.0.0.1"], Pins = [Pki.Intermediate.Pin.ToString(), TestPki.BackupPin.ToString()] })), port));

    [Theory]
    [InlineData("[::1]")]
    [InlineData("[::1%1]")]
    [InlineData("[0:0:0:0:0:0:0:1%1]")]
    public async Task ZoneIdAndExpandedForms_PinnedLikeTheAddress(string host)
    {
        using (var genuine = Client(_servers.Genuine.Port))
        {
            Assert.Equal("BTC-USD 97000.00", await genuine.GetStringAsync(new Uri($"https://{host}:{_servers.Genuine.Port}/ticker")));
        }

        using var client = Client(_servers.Interceptor.Port);
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetStringAsync(new Uri($"https://{host}:{_servers.Interceptor.Port}/ticker")));
        var refusal = PolicyChangeTests.FindPinning(error);
        Assert.Equal(PinValidationOutcome.PinMismatch, refusal.Result.Outcome);
        Assert.Equal("::1", refusal.Result.Host);
        Assert.Equal(0, _servers.Interceptor.Requests);
    }

    [Fact]
    public async Task IPv4MappedAddress_JudgedAsTheIPv4Address()
    {
        using var client = Client(_servers.Interceptor.Port);
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetStringAsync(new Uri($"https://[::ffff:127.0.0.1]:{_servers.Interceptor.Port}/ticker")));
        var refusal = PolicyChangeTests.FindPinning(error);
        Assert.Equal("127.0.0.1", refusal.Result.Host);
        Assert.Equal(0, _servers.Interceptor.Requests);
    }
}
