namespace Pinset.Tests;

/// <summary>A policy that fails closed (<see cref="PinningPolicy.RefuseEveryHost"/>) refuses its hosts' genuine chains with its reason, and leaves other hosts alone; over real TLS.</summary>
public sealed class RefuseEveryHostTests : IDisposable
{
    private readonly TestPki _pki = new();

    public void Dispose() => _pki.Dispose();

    [Theory]
    [InlineData(null)]
    [InlineData("report-only")]
    public async Task GenuineChainOfACoveredHost_RefusedWithTheReason(string? mode)
    {
        var policy = PinningPolicy.Create(new PinningConfiguration
        {
            Policies = [new HostPolicyConfiguration { Hosts = [TestPki.DefaultHost], Pins = [_pki.Intermediate.Pin.ToString(), TestPki.BackupPin.ToString()], Mode = mode }],
        }).RefuseEveryHost("The pin bundle expired and this client fails closed.");
        var pinner = new CertificatePinner(policy, new CertificatePinnerOptions { CustomTrustRoots = _pki.TrustBoth() });
        await using var server = LoopbackTlsServer.Start(_pki.Leaf, _pki.GenuineChain());

        var refused = await TlsClient.ConnectAsync(server, pinner);
        Assert.False(refused.Completed);
        Assert.Equal(PinValidationOutcome.PinMismatch, refused.Result!.Outcome);
        Assert.Contains("The pin bundle expired and this client fails closed.", refused.Result.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, server.Requests);

        var other = await TlsClient.ConnectAsync(server, pinner, "localhost");
        Assert.True(other.Completed, other.Error?.ToString());
        Assert.Equal(PinValidationOutcome.NoPolicy, other.Result!.Outcome);
    }
}
