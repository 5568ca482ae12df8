namespace Pinset.AttackTests;

/// <summary>
/// The genuine exchange on nginx and the real mitmproxy in front of it, minting certificates from the interceptor's
/// CA: the interception a corporate proxy or malware with its own root performs.
/// </summary>
public sealed class InterceptionServers : IAsyncLifetime
{
    public TestPki Pki { get; } = new();

    public NginxServer Genuine { get; private set; } = null!;

    public MitmProxy Proxy { get; private set; } = null!;

    public int GenuinePort => Genuine.Port("genuine");

    public async Task InitializeAsync()
    {
        Genuine = await NginxServer.StartAsync([new NginxSite("genuine", Pki.Leaf, [Pki.Intermediate.Certificate])]);
        Proxy = await MitmProxy.StartAsync(Pki.InterceptorRoot, GenuinePort, Pki.Root);
    }

    public async Task DisposeAsync()
    {
        if (Proxy is not null)
        {
            await Proxy.DisposeAsync();
        }

        if (Genuine is not null)
        {
            await Genuine.DisposeAsync();
        }

        Pki.Dispose();
    }
}
