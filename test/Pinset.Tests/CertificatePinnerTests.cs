using System.Security.Authentication;

namespace Pinset.Tests;

public sealed class CertificatePinnerTests : IDisposable
{
    private readonly TestPki _pki = new();

    public void Dispose() => _pki.Dispose();

    [Fact]
    public async Task Validate_PinOnLeaf_Allows()
    {
        await using var server = LoopbackTlsServer.Start(_pki.Leaf, _pki.GenuineChain());
        var outcome = await TlsClient.ConnectAsync(server, _pki.Pinner(_pki.LeafPin));
        Assert.True(outcome.Completed, outcome.Error?.ToString());
        Assert.Equal(PinValidationOutcome.Allowed, outcome.Result!.Outcome);
        Assert.Equal(1, server.Requests);
    }

    [Fact]
    public async Task Validate_InterceptorTrustedByClient_RefusedBeforeAnyRequest()
    {
        await using var server = LoopbackTlsServer.Start(_pki.InterceptorLeaf);
        var outcome = await TlsClient.ConnectAsync(server, _pki.Pinner(_pki.LeafPin));
        Assert.False(outcome.Completed);
        var error = Assert.IsType<PinValidationException>(outcome.Error);
        Assert.IsAssignableFrom<AuthenticationException>(error);
        Assert.Equal(PinValidationOutcome.PinMismatch, error.Result.Outcome);
        Assert.Equal(0, server.Requests);
        Assert.Contains(TestPki.Host, error.Message, StringComparison.Ordinal);
        Assert.Contains(_pki.LeafPin.ToString(), error.Message, StringComparison.Ordinal);
        Assert.Contains(SpkiPin.FromCertificate(_pki.InterceptorLeaf).ToString(), error.Message, StringComparison.Ordinal);
    }
}
