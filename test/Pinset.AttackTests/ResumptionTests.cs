namespace Pinset.AttackTests;

/// <summary>
/// TLS session resumption must not carry an old verdict past a policy change. A client first connects (full
/// handshake) and reconnects (resumed, as nginx's <c>$ssl_session_reused</c> proves); then its policy changes to pins
/// the server does not have, and the next connection, offered the same session, must be refused before any request.
/// </summary>
public sealed class ResumptionTests : IAsyncLifetime
{
    // The client caches TLS sessions by target host for the whole process, and other test classes connect to
    // "localhost" in parallel; a name of this test's own (under the leaf's *.exchange.test) keeps its session its own.
    private readonly string _host = $"resume-{Guid.NewGuid():N}.exchange.test";
    private readonly TestPki _pki = new();
    private NginxServer _nginx = null!;

    public static TheoryData<string, AttackClient> Cases()
    {
        var data = new TheoryData<string, AttackClient>();
        foreach (var site in new[] { "tls12-ticket", "tls12-session-id", "tls13-ticket" })
        {
            data.Add(site, AttackClient.HttpClient);
            data.Add(site, AttackClient.SslStream);
        }

        return data;
    }

    public async Task InitializeAsync() => _nginx = await NginxServer.StartAsync(
    [
        new NginxSite("tls12-ticket", _pki.Leaf, [_pki.Intermediate.Certificate]) { Protocols = "TLSv1.2" },
        new NginxSite("tls12-session-id", _pki.Leaf, [_pki.Intermediate.Certificate]) { Protocols = "TLSv1.2", SessionTickets = false },
        new NginxSite("tls13-ticket", _pki.Leaf, [_pki.Intermediate.Certificate]) { Protocols = "TLSv1.3" },
    ]);

    [RequiresToolsTheory("nginx")]
    [MemberData(nameof(Cases))]
    public async Task Reconnect_AfterPolicySourceChanged_ResumedSessionStillRefused(string site, AttackClient client)
    {
        var current = AttackPolicy.For(_host, _pki.Intermediate.Pin);
        var verdicts = new VerdictRecorder();
        var pinner = CertificatePinner.WithPolicySource(() => current, new CertificatePinnerOptions { CustomTrustRoots = _pki.TrustBoth(), OnValidated = verdicts.Record });
        int port = _nginx.Port(site);

        var first = await ConnectAsync(client, pinner, port);
        var second = await ConnectAsync(client, pinner, port);
        Assert.False(first!.SessionReused, "The first connection should be a full handshake.");
        Assert.True(second!.SessionReused, $"The second connection to '{site}' did not resume its session, so this test would prove nothing about resumption.");

        current = AttackPolicy.For(_host, SpkiPin.FromSubjectPublicKeyInfo("a key the server does not have"u8));
        var path = AttackAttempt.NewPath();
        var refused = await AttackAttempt.RunAsync(client, pinner, _host, port, path);

        Assert.Equal(PinValidationOutcome.PinMismatch, verdicts.Last.Outcome);
        Assert.Equal(PinValidationOutcome.PinMismatch, refused.Refusal?.Result.Outcome);
        Assert.Null(await _nginx.FindRequestAsync(path));
        Assert.Equal(3, verdicts.Count);
    }

    [RequiresToolsTheory("nginx")]
    [MemberData(nameof(Cases))]
    public async Task Reconnect_WithNewPinnerForOtherPins_ResumableSessionStillRefused(string site, AttackClient client)
    {
        int port = _nginx.Port(site);
        var old = new VerdictRecorder().Pinner(AttackPolicy.For(_host, _pki.Intermediate.Pin), _pki.TrustBoth());
        await ConnectAsync(client, old, port);
        Assert.True((await ConnectAsync(client, old, port))!.SessionReused, $"The connection to '{site}' did not resume, so this test would prove nothing.");

        var verdicts = new VerdictRecorder();
        var path = AttackAttempt.NewPath();
        var refused = await AttackAttempt.RunAsync(client, verdicts.Pinner(AttackPolicy.For(_host, SpkiPin.FromSubjectPublicKeyInfo("another key"u8)), _pki.TrustBoth()), _host, port, path);

        Assert.Equal(PinValidationOutcome.PinMismatch, verdicts.Last.Outcome);
        Assert.NotNull(refused.Refusal);
        Assert.Null(await _nginx.FindRequestAsync(path));
    }

    public async Task DisposeAsync()
    {
        if (_nginx is not null)
        {
            await _nginx.DisposeAsync();
        }

        _pki.Dispose();
    }

    private async Task<NginxRequest?> ConnectAsync(AttackClient client, CertificatePinner pinner, int port)
    {
        var path = AttackAttempt.NewPath();
        var ending = await AttackAttempt.RunAsync(client, pinner, _host, port, path);
        Assert.True(ending.Error is null, $"The connection with the server's own pins failed: {ending}");
        return await _nginx.FindRequestAsync(path) ?? throw new Xunit.Sdk.XunitException("The request did not reach nginx.");
    }
}
