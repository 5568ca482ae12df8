using System.Net;

namespace Pinset.Tests;

/// <summary>
/// A pinner whose policy changes while it runs (<see cref="CertificatePinner.WithPolicySource"/>) judges pooled
/// connections again: once the policy in force no longer allows the chain a keep-alive connection was validated with,
/// that connection carries no further request; a change that keeps its pin keeps the connection.
/// </summary>
public sealed class PolicyChangeTests : IAsyncLifetime
{
    private ExchangeServers _servers = null!;
    private PinningPolicy _current = null!;

    private TestPki Pki => _servers.Pki;

    public async Task InitializeAsync()
    {
        _servers = await ExchangeServers.StartAsync();
        _current = Policy(Pki.Intermediate.Pin);
    }

    public Task DisposeAsync() => _servers.DisposeAsync().AsTask();

    private static PinningPolicy Policy(SpkiPin pin, params string[] moreHosts) => PinningPolicy.Create(new PinningConfiguration
    {
        Policies = [new HostPolicyConfiguration { Hosts = [TestPki.DefaultHost, .. moreHosts], Pins = [pin.ToString(), TestPki.BackupPin.ToString()] }],
    });

    private HttpClient Client(Version version)
    {
        var pinner = CertificatePinner.WithPolicySource(() => Volatile.Read(ref _current), new CertificatePinnerOptions { CustomTrustRoots = Pki.TrustBoth() });
        var handler = Loopback.Route(new SocketsHttpHandler().UseCertificatePinning(pinner), _servers.Genuine.Port);
        return new HttpClient(handler) { DefaultRequestVersion = version, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
    }

    private Uri Ticker => new(_servers.Genuine.Url(), "ticker");

    public static TheoryData<string> Versions => new() { "1.1", "2.0" };

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task PinRemoved_PooledConnectionNotReused_NextRequestRefused(string version)
    {
        using var client = Client(Version.Parse(version));
        Assert.Equal("BTC-USD 97000.00", await client.GetStringAsync(Ticker));
        Assert.Equal("BTC-USD 97000.00", await client.GetStringAsync(Ticker));
        Assert.Equal(1, _servers.Genuine.Connections); // kept alive and reused

        Volatile.Write(ref _current, Policy(Pki.InterceptorRoot.Pin)); // the genuine CA's pin is removed
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetStringAsync(Ticker));
        var refusal = FindPinning(error);
        Assert.Equal(PinValidationOutcome.PinMismatch, refusal.Result.Outcome);
        Assert.Equal(2, _servers.Genuine.Requests); // the third request reached the server on no connection
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task ChangeThatKeepsThePin_PooledConnectionReused(string version)
    {
        using var client = Client(Version.Parse(version));
        Assert.Equal("BTC-USD 97000.00", await client.GetStringAsync(Ticker));
        Volatile.Write(ref _current, Policy(Pki.Intermediate.Pin, "ws.exchange.test"));
        Assert.Equal("BTC-USD 97000.00", await client.GetStringAsync(Ticker));
        Assert.Equal(1, _servers.Genuine.Connections);
    }

    [Fact]
    public async Task PinRestored_NewConnectionAllowedAgain()
    {
        using var client = Client(HttpVersion.Version11);
        Assert.Equal("BTC-USD 97000.00", await client.GetStringAsync(Ticker));
        Volatile.Write(ref _current, Policy(Pki.InterceptorRoot.Pin));
        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetStringAsync(Ticker));
        Volatile.Write(ref _current, Policy(Pki.Root.Pin));
        Assert.Equal("BTC-USD 97000.00", await client.GetStringAsync(Ticker));
        Assert.Equal(2, _servers.Genuine.Requests);
    }

    /// <summary>
    /// A reload that lands while the handshake's callback runs, after the verdict: the connection was allowed under the
    /// old policy, and the new one, which refuses its chain, must judge it before its first request. (Recorded as allowed
    /// under the new policy, it would never have been judged by it, and carried every request for life.) The policy
    /// source returns the old policy for the verdict and the new one from then on: the reload, at that moment exactly.
    /// </summary>
    [Theory]
    [MemberData(nameof(Versions))]
    public async Task ReloadLandingDuringTheHandshakeCallback_TheNewPolicyJudgesTheConnectionBeforeItsFirstRequest(string version)
    {
        var old = Policy(Pki.Intermediate.Pin);
        var reloaded = Policy(Pki.InterceptorRoot.Pin);
        int reads = 0;
        var pinner = CertificatePinner.WithPolicySource(() => Interlocked.Increment(ref reads) == 1 ? old : reloaded, new CertificatePinnerOptions { CustomTrustRoots = Pki.TrustBoth() });
        using var client = new HttpClient(Loopback.Route(new SocketsHttpHandler().UseCertificatePinning(pinner), _servers.Genuine.Port))
        {
            DefaultRequestVersion = Version.Parse(version),
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetStringAsync(Ticker));
        Assert.Equal(PinValidationOutcome.PinMismatch, FindPinning(error).Result.Outcome);
        Assert.Contains("The pinning policy changed after this pooled connection was validated", FindPinning(error).Result.Detail, StringComparison.Ordinal);
        Assert.Equal(0, _servers.Genuine.Requests);
    }

    internal static PinValidationException FindPinning(Exception error)
    {
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            if (e is PinValidationException pinning)
            {
                return pinning;
            }
        }

        throw new Xunit.Sdk.XunitException($"No PinValidationException in: {error}");
    }
}
