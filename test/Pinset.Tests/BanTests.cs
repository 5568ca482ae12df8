using Microsoft.Extensions.Time.Testing;

namespace Pinset.Tests;

/// <summary>
/// A banned key is a revocation: refused while the policy is enforced, after it expires (when its pins stop being
/// enforced) and in report-only mode, over real TLS.
/// </summary>
public sealed class BanTests : IDisposable
{
    private readonly TestPki _pki = new();

    public void Dispose() => _pki.Dispose();

    private async Task<TlsClient.Outcome> ConnectAsync(string? mode, bool expired, bool banLeaf)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero));
        var pinner = _pki.Pinner(new HostPolicyConfiguration
        {
            Hosts = [TestPki.DefaultHost],
            Pins = [_pki.Intermediate.Pin.ToString(), TestPki.BackupPin.ToString()],
            BannedPins = banLeaf ? [_pki.LeafPin.ToString()] : [],
            Expires = "2027-01-01T00:00:00Z",
            Mode = mode,
        }, time: time);
        if (expired)
        {
            time.Advance(TimeSpan.FromDays(60));
        }

        await using var server = LoopbackTlsServer.Start(_pki.Leaf, _pki.GenuineChain());
        return await TlsClient.ConnectAsync(server, pinner);
    }

    [Theory]
    [InlineData(null, false, "")]
    [InlineData(null, true, "Banned keys stay refused after a policy expires.")]
    [InlineData("report-only", false, "Banned keys are refused in report-only mode too.")]
    [InlineData("report-only", true, "Banned keys stay refused after a policy expires.")]
    public async Task BannedLeafKey_Refused(string? mode, bool expired, string why)
    {
        var outcome = await ConnectAsync(mode, expired, banLeaf: true);
        Assert.False(outcome.Completed);
        Assert.Equal(PinValidationOutcome.BannedPin, outcome.Result!.Outcome);
        Assert.Contains(why, outcome.Result.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, true, PinValidationOutcome.PolicyExpired)]
    [InlineData("report-only", false, PinValidationOutcome.PinMatched)]
    public async Task NoBan_ExpiredOrReportOnly_Allowed(string? mode, bool expired, PinValidationOutcome expected)
    {
        var outcome = await ConnectAsync(mode, expired, banLeaf: false);
        Assert.True(outcome.Completed);
        Assert.Equal(expected, outcome.Result!.Outcome);
    }
}
