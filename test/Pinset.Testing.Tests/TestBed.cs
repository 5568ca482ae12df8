using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace Pinset.Testing.Tests;

/// <summary>A test PKI, its genuine server and an intercepting proxy in front of it, with the clients the tests point at them.</summary>
internal sealed class TestBed : IAsyncDisposable
{
    private TestBed(TestPki pki, LoopbackHttpsServer genuine, InterceptingProxy proxy)
    {
        Pki = pki;
        Genuine = genuine;
        Proxy = proxy;
    }

    public const string Host = TestPki.DefaultHost;

    public TestPki Pki { get; }

    public LoopbackHttpsServer Genuine { get; }

    public InterceptingProxy Proxy { get; }

    public Uri Url(string path = "/", string scheme = "https") => new($"{scheme}://{Host}{path}");

    public static async Task<TestBed> StartAsync(Func<TestPki, Task<LoopbackHttpsServer>>? genuine = null)
    {
        var pki = new TestPki();
        var server = await (genuine ?? (p => LoopbackHttpsServer.StartAsync(p)))(pki);
        return new TestBed(pki, server, InterceptingProxy.Start(server));
    }

    /// <summary>The roots a client behind the interceptor trusts: the genuine root and the proxy's CA.</summary>
    public X509Certificate2Collection Trusted() => [Pki.Root.Certificate, Proxy.CertificateAuthority.Certificate];

    /// <summary>A pinner for <see cref="Host"/> (the genuine intermediate and the backup pin) that trusts <paramref name="roots"/> (default: <see cref="Trusted"/>).</summary>
    public CertificatePinner Pinner(SpkiPin? pin = null, X509Certificate2Collection? roots = null) => new(
        PinningPolicy.Create(new PinningConfiguration
        {
            Policies = [new HostPolicyConfiguration { Hosts = [Host], Pins = [(pin ?? Pki.Intermediate.Pin).ToString(), TestPki.BackupPin.ToString()] }],
        }),
        new CertificatePinnerOptions { CustomTrustRoots = roots ?? Trusted() });

    /// <summary>A pinned handler whose connections all go to <paramref name="port"/>.</summary>
    public SocketsHttpHandler Pinned(int port, CertificatePinner? pinner = null) => Loopback.Route(new SocketsHttpHandler().UseCertificatePinning(pinner ?? Pinner()), port);

    /// <summary>An unpinned handler that trusts the genuine root and the proxy's CA, as a machine behind a corporate proxy does.</summary>
    public SocketsHttpHandler Trusting(int port)
    {
        var handler = Loopback.Route(new SocketsHttpHandler(), port);
        handler.SslOptions.CertificateChainPolicy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
        handler.SslOptions.CertificateChainPolicy.CustomTrustStore.AddRange(Trusted());
        return handler;
    }

    /// <summary>A handler that sends everything through the proxy with CONNECT.</summary>
    public SocketsHttpHandler ThroughProxy(SocketsHttpHandler handler)
    {
        handler.ConnectCallback = null;
        handler.Proxy = new WebProxy(Proxy.ProxyUri);
        handler.UseProxy = true;
        return handler;
    }

    public async ValueTask DisposeAsync()
    {
        await Proxy.DisposeAsync();
        await Genuine.DisposeAsync();
        Pki.Dispose();
    }
}
