namespace Pinset.Tests;

/// <summary>
/// Pinning only protects TLS, so a pinned handler refuses to send a request in cleartext (<c>http://</c>) to a host the
/// policy covers, or to any host with <c>requirePinnedHosts</c>, before a byte reaches the server.
/// </summary>
public sealed class CleartextTests : IAsyncLifetime, IDisposable
{
    private readonly TestPki _pki = new();
    private ReportEndpoint _plain = null!;

    public async Task InitializeAsync() => _plain = await ReportEndpoint.StartAsync();

    public Task DisposeAsync() => _plain.DisposeAsync().AsTask();

    public void Dispose() => _pki.Dispose();

    private async Task<Exception?> PostAsync(string pinnedHost, bool requirePinnedHosts)
    {
        var pinner = _pki.Pinner(new HostPolicyConfiguration { Hosts = [pinnedHost], Pins = [_pki.Intermediate.Pin.ToString(), TestPki.BackupPin.ToString()] }, requirePinnedHosts);
        using var client = new HttpClient(new SocketsHttpHandler().UseCertificatePinning(pinner));
        try
        {
            using var response = await client.PostAsync(_plain.Url, new StringContent("{}"));
            return null;
        }
        catch (HttpRequestException ex)
        {
            return ex;
        }
    }

    [Fact]
    public async Task PinnedHost_CleartextRequest_RefusedBeforeAnyByte()
    {
        var error = await PostAsync(_plain.Url.Host, requirePinnedHosts: false);
        Assert.NotNull(error);
        Assert.Contains("would travel in cleartext, but the pinning policy covers '127.0.0.1'", error.ToString(), StringComparison.Ordinal);
        Assert.Empty(_plain.Reports);
    }

    [Fact]
    public async Task RequirePinnedHosts_AnyCleartextRequest_Refused()
    {
        var error = await PostAsync("api.exchange.test", requirePinnedHosts: true);
        Assert.NotNull(error);
        Assert.Contains("'requirePinnedHosts' is true", error.ToString(), StringComparison.Ordinal);
        Assert.Empty(_plain.Reports);
    }

    [Fact]
    public async Task UnpinnedHost_CleartextRequest_Sent()
    {
        Assert.Null(await PostAsync("api.exchange.test", requirePinnedHosts: false));
        Assert.Single(_plain.Reports);
    }
}
