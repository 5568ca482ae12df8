using System.Security.Cryptography.X509Certificates;

namespace Pinset.AttackTests;

/// <summary>
/// Every spelling of a pinned host must reach the same policy (the trailing-dot and case bypasses that hurt other
/// pinning libraries), and pattern boundaries must hold. Two nginx sites carry certificates valid for every spelling:
/// the genuine chain and a trusted interceptor's. With <c>requirePinnedHosts</c>, a name outside every pattern is
/// refused, so a spelling that slipped past its policy would show up as a refusal of the genuine site.
/// </summary>
public sealed class HostSpellingTests : IAsyncLifetime
{
    private static readonly string[] CertificateNames =
    [
        "api.exchange.test", "*.exchange.test", "*.ws.exchange.test", "*.feed.ws.exchange.test", "*.b.pay.exchange.test", "127.0.0.1",
    ];

    private readonly TestPki _pki = new();
    private X509Certificate2? _genuineLeaf;
    private X509Certificate2? _interceptorLeaf;
    private NginxServer _nginx = null!;

    public static TheoryData<string, AttackClient, PinValidationOutcome> Cases()
    {
        (string Host, bool Covered)[] spellings =
        [
            ("api.exchange.test", true),
            ("API.EXCHANGE.TEST", true),
            ("api.exchange.test.", true),
            ("Api.Exchange.Test.", true),
            ("bücher.exchange.test", true),
            ("BÜCHER.exchange.test", true),
            ("xn--bcher-kva.exchange.test", true),
            ("127.0.0.1", true),
            ("feed.ws.exchange.test", true), // *.ws.exchange.test: one label below
            ("FEED.WS.EXCHANGE.TEST.", true),
            ("ws.exchange.test", false), // *. does not cover its parent
            ("a.feed.ws.exchange.test", false), // nor two labels below
            ("pay.exchange.test", true), // **.pay.exchange.test covers the name itself
            ("a.b.pay.exchange.test", true), // and every depth below it
            ("evilpay.exchange.test", false), // a suffix that is not a label boundary
        ];
        var data = new TheoryData<string, AttackClient, PinValidationOutcome>();
        foreach (var (host, covered) in spellings)
        {
            foreach (var client in new[] { AttackClient.HttpClient, AttackClient.ClientWebSocketInvoker, AttackClient.SslStream })
            {
                data.Add(host, client, covered ? PinValidationOutcome.PinMismatch : PinValidationOutcome.UnpinnedHostRefused);
            }
        }

        return data;
    }

    public async Task InitializeAsync()
    {
        _genuineLeaf = _pki.Intermediate.IssueServer(CertificateNames);
        _interceptorLeaf = _pki.InterceptorRoot.IssueServer(CertificateNames);
        _nginx = await NginxServer.StartAsync(
        [
            new NginxSite("genuine", _genuineLeaf, [_pki.Intermediate.Certificate]),
            new NginxSite("interceptor", _interceptorLeaf, []),
        ]);
    }

    [RequiresToolsTheory("nginx")]
    [MemberData(nameof(Cases))]
    public async Task Connect_SpellingOfHost_InterceptorRefusedGenuineOnlyWhenPinned(string host, AttackClient client, PinValidationOutcome interceptorOutcome)
    {
        var interceptor = await AttemptAsync(client, host, "interceptor");
        var genuine = await AttemptAsync(client, host, "genuine");

        Assert.Equal(interceptorOutcome, interceptor.Verdict.Outcome);
        Assert.NotNull(interceptor.Ending.Refusal);
        Assert.Null(interceptor.Request);
        if (interceptorOutcome == PinValidationOutcome.PinMismatch)
        {
            Assert.True(genuine.Verdict.Outcome == PinValidationOutcome.PinMatched, $"'{host}' should be pinned and the genuine chain allowed: {genuine.Verdict}");
            Assert.NotNull(genuine.Request);
        }
        else
        {
            Assert.Equal(PinValidationOutcome.UnpinnedHostRefused, genuine.Verdict.Outcome);
            Assert.Null(genuine.Request);
        }
    }

    public async Task DisposeAsync()
    {
        if (_nginx is not null)
        {
            await _nginx.DisposeAsync();
        }

        _genuineLeaf?.Dispose();
        _interceptorLeaf?.Dispose();
        _pki.Dispose();
    }

    private async Task<(PinValidationResult Verdict, AttackAttempt.Ending Ending, NginxRequest? Request)> AttemptAsync(AttackClient client, string host, string site)
    {
        var verdicts = new VerdictRecorder();
        var pinner = verdicts.Pinner(Policy(), _pki.TrustBoth());
        var path = AttackAttempt.NewPath();
        var ending = await AttackAttempt.RunAsync(client, pinner, host, _nginx.Port(site), path);
        return (verdicts.Last, ending, await _nginx.FindRequestAsync(path));
    }

    private PinningPolicy Policy()
    {
        string[] pins = [_pki.Intermediate.Pin.ToString(), TestPki.BackupPin.ToString()];
        return PinningPolicy.Create(new PinningConfiguration
        {
            RequirePinnedHosts = true,
            Policies =
            [
                new HostPolicyConfiguration { Hosts = ["api.exchange.test"], Pins = pins },
                new HostPolicyConfiguration { Hosts = ["*.ws.exchange.test"], Pins = pins },
                new HostPolicyConfiguration { Hosts = ["**.pay.exchange.test"], Pins = pins },
                new HostPolicyConfiguration { Hosts = ["bücher.exchange.test"], Pins = pins },
                new HostPolicyConfiguration { Hosts = ["127.0.0.1"], Pins = pins },
            ],
        });
    }
}
