using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Pinset.AttackTests;

/// <summary>
/// mitmproxy intercepting the genuine exchange. With its CA untrusted the platform refuses; with its CA trusted by the
/// client (the case pinning exists for) the platform accepts and only the pin refuses. Either way nothing reaches the
/// genuine server. A control without pinning proves the interception really works end to end.
/// </summary>
public sealed class InterceptionTests(InterceptionServers servers) : IClassFixture<InterceptionServers>
{
    private const string Host = "localhost";

    public static TheoryData<bool, AttackClient> Cases()
    {
        var data = new TheoryData<bool, AttackClient>();
        foreach (var trusted in new[] { false, true })
        {
            foreach (var client in Enum.GetValues<AttackClient>())
            {
                data.Add(trusted, client);
            }
        }

        return data;
    }

    [RequiresToolsTheory("nginx", "mitmdump")]
    [MemberData(nameof(Cases))]
    public async Task Connect_ThroughMitmproxy_RefusedAndNothingForwarded(bool interceptorTrusted, AttackClient client)
    {
        var verdicts = new VerdictRecorder();
        var pinner = verdicts.Pinner(AttackPolicy.For(Host, servers.Pki.Intermediate.Pin), interceptorTrusted ? servers.Pki.TrustBoth() : [servers.Pki.Root.Certificate]);
        var path = AttackAttempt.NewPath();

        var ending = await AttackAttempt.RunAsync(client, pinner, Host, servers.Proxy.Port, path);

        var expected = interceptorTrusted ? PinValidationOutcome.PinMismatch : PinValidationOutcome.PlatformValidationFailed;
        Assert.Equal(expected, verdicts.Last.Outcome);
        Assert.Equal(expected, ending.Refusal?.Result.Outcome);
        Assert.Contains("CN=Interceptor Root CA", string.Join('\n', verdicts.Last.ServedChain.Select(c => c.Issuer)), StringComparison.Ordinal);
        Assert.Null(await servers.Genuine.FindRequestAsync(path));
    }

    [RequiresToolsFact("nginx", "mitmdump")]
    public async Task Connect_ThroughMitmproxyWithoutPinning_ReachesGenuineServer()
    {
        // The control: the same client trusting the interceptor's CA, without pinning, is intercepted and forwarded.
        var handler = Loopback.Route(new SocketsHttpHandler(), servers.Proxy.Port);
        handler.SslOptions.CertificateChainPolicy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
        handler.SslOptions.CertificateChainPolicy.CustomTrustStore.AddRange(servers.Pki.TrustBoth());
        X509Certificate2? seen = null;
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
        {
            seen = certificate is null ? null : new X509Certificate2(certificate);
            return errors == SslPolicyErrors.None;
        };
        using var http = new HttpClient(handler);
        var path = AttackAttempt.NewPath();

        using var response = await http.GetAsync(new Uri($"https://{Host}:{servers.Proxy.Port}{path}"));

        Assert.Equal("hello\n", await response.Content.ReadAsStringAsync());
        Assert.Equal("CN=Interceptor Root CA, O=Pinset.Testing", seen?.Issuer);
        Assert.NotNull(await servers.Genuine.FindRequestAsync(path));
    }
}
