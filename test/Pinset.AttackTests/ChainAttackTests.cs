namespace Pinset.AttackTests;

/// <summary>
/// Hostile and broken chains served by the real nginx, met by each of our pinned clients. Every refusal must come with
/// the expected verdict and no request in nginx's log; every genuine chain must pass and its request must arrive.
/// </summary>
public sealed class ChainAttackTests(ChainAttackServers servers) : IClassFixture<ChainAttackServers>
{
    public static TheoryData<string, AttackClient, PinValidationOutcome> Cases()
    {
        (string Site, PinValidationOutcome Expected)[] scenarios =
        [
            ("genuine-ec", PinValidationOutcome.PinMatched),
            ("genuine-rsa", PinValidationOutcome.PinMatched),
            ("expired-leaf", PinValidationOutcome.PlatformValidationFailed),
            ("wrong-host", PinValidationOutcome.PlatformValidationFailed),
            ("missing-intermediate", PinValidationOutcome.PlatformValidationFailed),
            ("trusted-interceptor", PinValidationOutcome.PinMismatch),
            ("stuffed-chain", PinValidationOutcome.PinMismatch),
            ("rogue-intermediate-same-name", PinValidationOutcome.PinMismatch),
            ("non-ca-signer", PinValidationOutcome.PlatformValidationFailed),
            ("cross-signed-root", PinValidationOutcome.PinMismatch),
        ];
        var data = new TheoryData<string, AttackClient, PinValidationOutcome>();
        foreach (var (site, expected) in scenarios)
        {
            foreach (var client in Enum.GetValues<AttackClient>())
            {
                data.Add(site, client, expected);
            }
        }

        return data;
    }

    [RequiresToolsTheory("nginx")]
    [MemberData(nameof(Cases))]
    public async Task Connect_ChainServedByNginx_VerdictAndServerAgree(string site, AttackClient client, PinValidationOutcome expected)
    {
        var verdicts = new VerdictRecorder();
        var path = AttackAttempt.NewPath();

        var ending = await AttackAttempt.RunAsync(client, servers.Pinner(verdicts), ChainAttackServers.Host, servers.Nginx.Port(site), path);
        var request = await servers.Nginx.FindRequestAsync(path);

        Assert.Equal(expected, verdicts.Last.Outcome);
        if (expected == PinValidationOutcome.PinMatched)
        {
            Assert.True(request is not null, $"The genuine chain passed the pinner but the request never reached nginx: {ending}");
            Assert.Null(ending.Refusal);
        }
        else
        {
            Assert.Null(request);
            Assert.True(ending.Refusal is not null, $"Expected a PinValidationException in the client's error, got: {ending}");
            Assert.Equal(expected, ending.Refusal.Result.Outcome);
        }
    }

    [RequiresToolsTheory("nginx")]
    [InlineData(AttackClient.HttpClient)]
    [InlineData(AttackClient.SslStream)]
    public async Task Connect_StolenLeafKeyBanned_RefusedThoughTheIssuingCaIsPinned(AttackClient client)
    {
        // A stolen server key is the genuine key: pins cannot tell it apart. Banning it is the answer, and a ban wins
        // over any other pin that matches.
        var verdicts = new VerdictRecorder();
        var pinner = verdicts.Pinner(AttackPolicy.For(ChainAttackServers.Host, servers.Pki.Intermediate.Pin, banned: servers.Pki.LeafPin), servers.Pki.TrustBoth());
        var path = AttackAttempt.NewPath();

        var ending = await AttackAttempt.RunAsync(client, pinner, ChainAttackServers.Host, servers.Nginx.Port("genuine-ec"), path);

        Assert.Equal(PinValidationOutcome.BannedPin, verdicts.Last.Outcome);
        Assert.Equal(PinValidationOutcome.BannedPin, ending.Refusal?.Result.Outcome);
        Assert.Null(await servers.Nginx.FindRequestAsync(path));
    }
}
